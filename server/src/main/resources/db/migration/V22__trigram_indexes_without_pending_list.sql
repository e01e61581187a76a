-- A GIN index keeps new entries in a pending list and merges them into the index once the list passes
-- gin_pending_list_limit (4 MB by default); the write that crosses the limit pays for the whole merge. Every update of a
-- resource with a changed string value adds some thirty trigrams, so one write in a few thousand stalled for 30 to
-- 50 ms inside PostgreSQL, the tail of the 1-client update figures. Without the pending list each row's trigrams go
-- straight into the index: a little more work on every write, none of it saved up for one. The list left from before
-- is merged now, so that no search reads through it.
alter index idx_string_trigram set (fastupdate = off);
alter index idx_token_text_trigram set (fastupdate = off);
select gin_clean_pending_list('idx_string_trigram');
select gin_clean_pending_list('idx_token_text_trigram');
