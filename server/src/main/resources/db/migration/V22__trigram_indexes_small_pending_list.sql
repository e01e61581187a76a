-- A GIN index keeps new entries in a pending list and merges them into the index once the list passes
-- gin_pending_list_limit (4 MB by default); the write that crosses the limit pays for the whole merge. An update that
-- changes a string value adds some thirty trigrams, and with 4 MB one such update in several thousand took 30 to 50 ms
-- inside PostgreSQL. A list of 256 kB is merged sixteen times as often, each merge about a sixteenth of the work
-- (at most about 11 ms measured); no list at all made every such update about 0.1 ms slower.
alter index idx_string_trigram set (gin_pending_list_limit = 256);
alter index idx_token_text_trigram set (gin_pending_list_limit = 256);
