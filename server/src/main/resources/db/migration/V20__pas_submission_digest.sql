-- What each PAS request was (a digest of its Claim as submitted), so that a resubmission of the same request under
-- its identifier is answered again and a different request under an identifier already used is refused rather than
-- answered with the earlier request's response. Requests of the server's own work and of development mode now get a
-- row too, without a submitter. Rows from before have no digest: their resubmissions are answered as before.
alter table pas_submission add column request_digest text;
alter table pas_submission alter column submitter drop not null;

-- One outbox row per stored request rather than per identifier: two different requests may share an identifier,
-- and a resubmission of the same one is answered from the store before anything is queued.
alter table pas_outbox drop constraint pas_outbox_request_key_key;
alter table pas_outbox add constraint pas_outbox_claim_id_key unique (claim_id);
