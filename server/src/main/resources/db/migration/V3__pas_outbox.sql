-- PAS requests accepted for a payer reached over HTTP, written in the transaction that stores the Claim, and
-- delivered by a worker (any instance; rows are claimed with FOR UPDATE SKIP LOCKED). One row per request
-- identifier, so a resubmitted request is never forwarded twice.
create table pas_outbox (
    id                bigserial primary key,
    request_key       text        not null unique,       -- Claim.identifier system|value
    claim_id          text        not null,
    claim_response_id text        not null,
    task_id           text        not null,
    endpoint          text        not null,              -- the payer's PAS FHIR base at the time of acceptance
    payload           text        not null,              -- the PAS request Bundle (JSON) as forwarded
    status            text        not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
    attempts          integer     not null default 0,
    next_attempt_at   timestamptz not null,
    last_error        text,
    created_at        timestamptz not null,
    finished_at       timestamptz
);

create index pas_outbox_due on pas_outbox (next_attempt_at) where status = 'pending';
