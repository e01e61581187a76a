-- The audit trail in a table of its own. Every answered request appends one AuditEvent, so its write is the hottest
-- write of the server: as a generic resource it took a current row, a version row and a dozen index rows, each with
-- its own B-tree entries, and cost about a fifth of read throughput. Here it is one row with the columns its
-- documented searches need (ADR 0007). AuditEvents are written once and never changed, so there is no version table.
-- patient_id (the first patient named, a possible distribution key like the resource table's) and patient_ids (every
-- patient named: the R4 Patient compartment of an AuditEvent is its entity and agent references to Patients).
create table audit_event (
    id text primary key,
    recorded timestamptz not null,
    last_updated timestamptz not null,
    patient_id text,
    patient_ids text[] not null,
    entities text[] not null,
    subtype text,
    action text,
    outcome text,
    client_id text,
    address text,
    content text not null
);
create index audit_event_recorded on audit_event (recorded, id);
create index audit_event_last_updated on audit_event (last_updated, id);
create index audit_event_patients on audit_event using gin (patient_ids);
create index audit_event_entities on audit_event using gin (entities);

-- AuditEvents written before this migration move over, columns read from their JSON.
insert into audit_event (id, recorded, last_updated, patient_id, patient_ids, entities, subtype, action, outcome,
                         client_id, address, content)
select r.res_id,
       coalesce((j ->> 'recorded')::timestamptz, r.last_updated),
       r.last_updated,
       r.patient_id,
       coalesce(array(select substr(e.ref, 9) from jsonb_path_query(j, '$.entity[*].what.reference') x(v),
                      lateral (select x.v #>> '{}' as ref) e where e.ref like 'Patient/%'), '{}'),
       coalesce(array(select x.v #>> '{}' from jsonb_path_query(j, '$.entity[*].what.reference') x(v)), '{}'),
       j #>> '{subtype,0,code}',
       j ->> 'action',
       j ->> 'outcome',
       j #>> '{agent,0,altId}',
       j #>> '{agent,0,network,address}',
       r.content
from resource r, lateral (select r.content::jsonb as j) parsed
where r.res_type = 'AuditEvent' and not r.deleted;

delete from idx_string where res_type = 'AuditEvent';
delete from idx_token where res_type = 'AuditEvent';
delete from idx_reference where res_type = 'AuditEvent';
delete from idx_date where res_type = 'AuditEvent';
delete from idx_quantity where res_type = 'AuditEvent';
delete from idx_uri where res_type = 'AuditEvent';
delete from idx_token_date where res_type = 'AuditEvent';
delete from resource_version where res_type = 'AuditEvent';
delete from resource where res_type = 'AuditEvent';
