-- R4's own composite search parameters (Observation code-value-quantity, component-code-value-concept, ...; Questionnaire
-- context-type-value): one row per pair of values taken from the same element (the Observation itself, or one of its
-- components), so that a pair is matched only where both values stand together. The first value is a token (system,
-- code); the second a token or a quantity's unit (value_system, value_code), a number (value), a date range (low, high)
-- or a string (value_norm, value_exact). Rows are written from V18 on; V19 indexes the resources stored before.
create table idx_composite (
    res_type     text not null,
    res_id       text not null,
    param        text not null,
    system       text,
    code         text,
    value_system text,
    value_code   text,
    value        numeric,
    low          timestamptz,
    high         timestamptz,
    value_norm   text,
    value_exact  text,
    patient_id   text
);
create index idx_composite_code on idx_composite (res_type, param, code, res_id);
create index idx_composite_resource on idx_composite (res_type, res_id);
