-- Topic-based Subscriptions (R5 Backport IG on R4). The Subscription resources live in the resource store; these
-- tables hold what the server keeps about them that is not FHIR content, written only by the subscriptions feature.

-- One row per stored Subscription, kept in step with the resource in the transaction that writes it. Its row lock
-- numbers events: the counter is incremented in the transaction of the change that caused the event, so event
-- numbers are unique and follow commit order across server instances.
create table subscription_state (
    subscription_id    text        primary key,
    topic              text        not null,
    status             text        not null check (status in ('requested', 'active', 'error', 'off')),
    filters            text        not null,             -- JSON: filter name -> accepted values (OR), names ANDed
    events_since_start bigint      not null default 0,
    heartbeat_seconds  integer,                           -- backport-heartbeat-period; null = no heartbeats
    next_heartbeat_at  timestamptz                        -- claimed with UPDATE ... WHERE next_heartbeat_at <= now
);

create index subscription_state_topic on subscription_state (topic);
create index subscription_state_heartbeat on subscription_state (next_heartbeat_at) where status = 'active';

-- Notifications to send (transactional outbox): handshakes, heartbeats and event notifications. An event row is
-- written in the transaction of the change that caused it; a poller on any instance claims due rows with FOR UPDATE
-- SKIP LOCKED. Delivery is at least once; the event number lets a subscriber drop a repeat.
create table subscription_notification (
    id                 bigserial   primary key,
    subscription_id    text        not null references subscription_state (subscription_id) on delete cascade,
    kind               text        not null check (kind in ('handshake', 'heartbeat', 'event-notification')),
    event_number       bigint,                            -- event notifications only
    topic              text        not null,
    focus_type         text,
    focus_id           text,
    focus_version      bigint,
    additional_context text,                              -- JSON array of references
    event_at           timestamptz not null,
    status             text        not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
    attempts           integer     not null default 0,
    next_attempt_at    timestamptz not null,
    last_error         text,
    finished_at        timestamptz,
    unique (subscription_id, event_number)
);

create index subscription_notification_due on subscription_notification (next_attempt_at) where status = 'pending';
create index subscription_notification_pending on subscription_notification (subscription_id, id) where status = 'pending';
