-- A large submission may be applied by the hub that is still receiving it, from its first chunk
-- (SubmissionService.AcceptAsync): that hub takes an advisory lock keyed by the submission before
-- the submission can be seen (its storing transaction has not committed yet) and holds it until
-- its applying transaction ends. The workers that take waiting submissions pass over one so held;
-- if that hub dies, its connection and the lock go with it, and a worker takes the submission up.
create function submissions.apply_lock_key(id uuid) returns bigint
language sql immutable parallel safe
as $$ select hashtextextended(id::text, 0) $$;

-- Whether some session holds the submission's lock (pg_locks shows a bigint key as its high half
-- in classid, its low half in objid, and objsubid 1). Asked of waiting submissions only.
create function submissions.being_applied(id uuid) returns boolean
language sql stable
as $$
  select exists (
    select 1 from pg_locks l
    where l.locktype = 'advisory' and l.granted and l.objsubid = 1
      and l.database = (select oid from pg_database where datname = current_database())
      and l.classid = ((submissions.apply_lock_key(id) >> 32) & 4294967295)::oid
      and l.objid = (submissions.apply_lock_key(id) & 4294967295)::oid)
$$;
