-- CDS Hooks tables that are not FHIR resources.

-- Each (issuer, jti) of a CDS client's JWT is accepted once; rows go after the token expires.
-- A shared table, so that a replay sent to another server instance is refused too.
create table cds_token_use (
    issuer     text        not null,
    jti        text        not null,
    expires_at timestamptz not null,
    primary key (issuer, jti)
);
create index cds_token_use_expires on cds_token_use (expires_at);

-- Card feedback (CDS Hooks 2.0 POST {service}/feedback), one row per feedback item.
create table cds_feedback (
    id                bigserial   primary key,
    service_id        text        not null,
    card_uuid         text        not null,
    outcome           text        not null,
    outcome_timestamp timestamptz not null,
    client            text        not null,
    received_at       timestamptz not null default now(),
    item              jsonb       not null
);
create index cds_feedback_card on cds_feedback (service_id, card_uuid);
create index cds_feedback_received on cds_feedback (service_id, received_at);
