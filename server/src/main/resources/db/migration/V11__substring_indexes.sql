-- :contains (string) and :text (token) search for a substring anywhere in a value, which a B-tree cannot serve: without
-- these, each such search reads every index row of its table. pg_trgm is a trusted extension (PostgreSQL 13+): the
-- database owner can create it without superuser rights. Substrings shorter than three characters are refused by the
-- server, since a trigram index cannot narrow them.
create extension if not exists pg_trgm;

create index idx_string_trigram on idx_string using gin (value_norm gin_trgm_ops);
create index idx_token_text_trigram on idx_token using gin (text_norm gin_trgm_ops) where text_norm is not null;
