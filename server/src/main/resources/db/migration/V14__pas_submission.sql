-- The client (issuer|client id of its token) that submitted each prior authorization request through Claim/$submit,
-- so that Claim/$inquire and a resubmission of the same request answer only to it. Requests submitted by the
-- server's own work or in development mode have no row and answer only to those. Written in the transaction that
-- stores the Claim; the Claim's patient compartment (a possible distribution key) stays on its resource row.
create table pas_submission (
    claim_id text primary key,
    submitter text not null,
    submitted_at timestamptz not null
);
