-- Runs before each migration, in its transaction. An extension is installed once per database, in one schema: when
-- another Overturn deployment in another schema of this database installed pg_trgm first (V11), its operator classes
-- are not on this deployment's search path and V11's trigram indexes could not be made here. For this migration's
-- transaction only, the search path also names the schema pg_trgm lives in. (Dropping that schema with CASCADE drops
-- the extension, and with it every schema's trigram indexes.)
select set_config('search_path', current_setting('search_path') || ', ' || quote_ident(n.nspname), true)
from pg_extension e
join pg_namespace n on n.oid = e.extnamespace
where e.extname = 'pg_trgm' and not n.nspname = any (current_schemas(false));
