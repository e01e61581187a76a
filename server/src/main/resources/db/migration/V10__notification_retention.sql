-- Finished notifications are kept for a retention period ($events answers from them), then deleted; this index finds
-- them without reading the pending ones.
create index subscription_notification_finished on subscription_notification (finished_at) where status <> 'pending';
