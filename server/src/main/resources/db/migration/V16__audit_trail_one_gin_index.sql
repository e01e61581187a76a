-- The audit trail is the hottest write of the server (one row per answered request), and each GIN index costs every
-- row a posting-list insert. patient_ids held the Patient references of entities again (V15 and the writer both read
-- them off entities), so one GIN index answers both: a patient search asks entities for 'Patient/<id>'.
drop index audit_event_patients;
alter table audit_event drop column patient_ids;
