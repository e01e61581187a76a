-- Payer delivery (ADR 0005). sent_at is the in-flight marker: committed just before a request goes to the payer and
-- cleared once the payer's answer (or a failure that proves the payer did not take it) is recorded. A row claimed
-- again while it is still set is in doubt: the payer may hold the request, so it is asked with Claim/$inquire first.
-- 'awaiting': delivered, the payer pended it; its decision is asked for with Claim/$inquire on a schedule.
-- 'expired': still pended after the longest time the server keeps asking.
alter table pas_outbox add column sent_at timestamptz;
alter table pas_outbox drop constraint pas_outbox_status_check;
alter table pas_outbox add constraint pas_outbox_status_check
    check (status in ('pending', 'awaiting', 'delivered', 'failed', 'expired'));

drop index pas_outbox_due;
create index pas_outbox_due on pas_outbox (next_attempt_at) where status in ('pending', 'awaiting');
