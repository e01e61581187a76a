-- Index of Overturn's composite search parameters of a token and a date (such as Task's status with its deadline):
-- one row per pair of values, so that one index range answers both criteria in date order (the due-work query).
create table idx_token_date (
    res_type   text        not null,
    res_id     text        not null,
    param      text        not null,
    system     text,
    code       text        not null,
    low        timestamptz not null,
    high       timestamptz not null,
    patient_id text
);
create index idx_token_date_value on idx_token_date (res_type, param, code, low, res_id);
create index idx_token_date_resource on idx_token_date (res_type, res_id);
