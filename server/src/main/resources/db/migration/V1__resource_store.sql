-- Versioned FHIR resources and their search indexes.
-- Every table carries patient_id, the resource's Patient compartment, so that a distributed PostgreSQL (Citus) can
-- shard by it later; see docs/adr/0001-storage.md.

-- The current version of every resource (deleted ones keep a row with deleted = true and no content).
create table resource (
    res_type     text        not null,
    res_id       text        not null,
    version      bigint      not null,
    last_updated timestamptz not null,
    deleted      boolean     not null default false,
    patient_id   text,
    content      text,
    primary key (res_type, res_id)
);
create index resource_last_updated on resource (res_type, last_updated);
create index resource_patient on resource (patient_id) where patient_id is not null;

-- Every version ever written, the current one included.
create table resource_version (
    res_type     text        not null,
    res_id       text        not null,
    version      bigint      not null,
    last_updated timestamptz not null,
    deleted      boolean     not null default false,
    method       text        not null,
    patient_id   text,
    content      text,
    primary key (res_type, res_id, version)
);
create index resource_version_type_time on resource_version (res_type, last_updated);
create index resource_version_time on resource_version (last_updated);

-- Search indexes of current, non-deleted versions, one table per value kind.
create table idx_string (
    res_type    text not null,
    res_id      text not null,
    param       text not null,
    value_norm  text not null,
    value_exact text not null,
    patient_id  text
);
create index idx_string_value on idx_string (res_type, param, value_norm text_pattern_ops, res_id);
create index idx_string_resource on idx_string (res_type, res_id);

create table idx_token (
    res_type   text not null,
    res_id     text not null,
    param      text not null,
    system     text,
    code       text,
    text_norm  text,
    patient_id text
);
create index idx_token_code on idx_token (res_type, param, code, system, res_id);
create index idx_token_resource on idx_token (res_type, res_id);

create table idx_reference (
    res_type    text not null,
    res_id      text not null,
    param       text not null,
    target_type text,
    target_id   text,
    target_url  text,
    patient_id  text
);
create index idx_reference_target on idx_reference (res_type, param, target_id, target_type, res_id);
create index idx_reference_reverse on idx_reference (target_type, target_id);
create index idx_reference_resource on idx_reference (res_type, res_id);

create table idx_date (
    res_type   text        not null,
    res_id     text        not null,
    param      text        not null,
    low        timestamptz not null,
    high       timestamptz not null,
    patient_id text
);
create index idx_date_range on idx_date (res_type, param, low, high, res_id);
create index idx_date_resource on idx_date (res_type, res_id);

create table idx_quantity (
    res_type   text    not null,
    res_id     text    not null,
    param      text    not null,
    value      numeric not null,
    system     text,
    code       text,
    patient_id text
);
create index idx_quantity_value on idx_quantity (res_type, param, value, res_id);
create index idx_quantity_resource on idx_quantity (res_type, res_id);

create table idx_uri (
    res_type   text not null,
    res_id     text not null,
    param      text not null,
    uri        text not null,
    patient_id text
);
create index idx_uri_value on idx_uri (res_type, param, uri, res_id);
create index idx_uri_resource on idx_uri (res_type, res_id);
