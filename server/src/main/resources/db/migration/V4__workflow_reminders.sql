-- Deadline reminders already sent: one row per (Task, deadline, lead time). The row is inserted in the same
-- transaction as the reminder's Communication, so with several server instances each reminder is sent exactly once.
create table workflow_reminder (
    task_id    text        not null,
    deadline   timestamptz not null,
    lead       text        not null,
    patient_id text,
    sent_at    timestamptz not null default now(),
    primary key (task_id, deadline, lead)
);
