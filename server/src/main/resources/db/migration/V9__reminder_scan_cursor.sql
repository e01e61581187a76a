-- How far deadline reminders have been looked for: each round reads only the Tasks whose reminder fell due since
-- the last one. One row; an instance takes it with a lease, so one instance scans at a time and a crashed one's round
-- is taken over once its lease has run out.
create table workflow_reminder_scan (
    id            int primary key check (id = 1),
    scanned_until timestamptz,
    lease_until   timestamptz
);
insert into workflow_reminder_scan (id) values (1);
