-- Fails the statement that calls it. An update made as one statement (see JdbcResourceStore) computes the new version
-- from the row it locks, but its other steps read the snapshot the statement started with; when another writer
-- committed the same resource in between, the two disagree, and this undoes the whole statement so that the server
-- writes again under the row lock. The SQLSTATE is the server's own, so that nothing else is taken for it.
create function overturn_concurrent_write(locked_version bigint) returns bigint
    language plpgsql
as $$
begin
    raise exception 'version % was written by another transaction after this statement began', locked_version
        using errcode = 'OV409';
end
$$;
