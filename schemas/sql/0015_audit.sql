-- The audit trail: append-only, each entry carrying the hash of the previous one, so an
-- edited or deleted row breaks the chain at that point. audit.head holds the last link; the
-- backup manifest copies it off the server, which is what makes rewriting the whole chain
-- detectable too.
create schema if not exists audit;

create table audit.entries (
  seq        bigint primary key,
  at         timestamptz not null,
  actor      text not null,
  action     text not null,
  target     text,
  details    jsonb not null,
  prev_hash  bytea not null,
  hash       bytea not null
);
create index entries_actor on audit.entries (actor, seq);
create index entries_action on audit.entries (action, seq);

create table audit.head (
  singleton  boolean primary key default true check (singleton),
  seq        bigint not null,
  hash       bytea not null
);
insert into audit.head (seq, hash) values (0, sha256(convert_to('datahub audit genesis', 'UTF8')));

-- One definition of an entry's hash for append and verify. The time is written in UTC with
-- microseconds and jsonb's text form is canonical, so the same row always hashes the same.
create function audit.entry_hash(p_seq bigint, p_at timestamptz, p_actor text, p_action text,
                                 p_target text, p_details jsonb, p_prev bytea) returns bytea
language sql stable as $$
  select sha256(p_prev || convert_to(concat_ws(E'\x1f',
    p_seq::text,
    to_char(p_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    p_actor, p_action, coalesce(p_target, ''), p_details::text), 'UTF8'))
$$;

-- Appends one entry. The head row's lock orders concurrent writers, so the chain never forks;
-- it is held only until the writer's transaction ends, which is why callers append last.
create function audit.append(p_actor text, p_action text, p_target text, p_details jsonb) returns bigint
language plpgsql as $$
declare
  last_seq bigint; last_hash bytea; t timestamptz := clock_timestamp(); h bytea;
  d jsonb := coalesce(p_details, '{}'::jsonb);
begin
  select seq, hash into last_seq, last_hash from audit.head for update;
  h := audit.entry_hash(last_seq + 1, t, p_actor, p_action, p_target, d, last_hash);
  insert into audit.entries values (last_seq + 1, t, p_actor, p_action, p_target, d, last_hash, h);
  update audit.head set seq = last_seq + 1, hash = h;
  return last_seq + 1;
end
$$;

create function audit.refuse_change() returns trigger
language plpgsql as $$
begin
  raise exception 'the audit trail is append-only' using errcode = '42501';
end
$$;
create trigger append_only before update or delete or truncate on audit.entries
  for each statement execute function audit.refuse_change();

-- The first broken link, if any: a row whose hash does not match its content (altered), whose
-- prev_hash is not the previous row's hash or whose seq skips one (a row deleted before it),
-- or a head that does not match the last row (rows deleted at the end).
create function audit.verify()
returns table (checked bigint, broken_at bigint, problem text)
language sql stable as $$
  with chain as (
    select e.*,
           lag(e.seq) over (order by e.seq) as prev_seq,
           lag(e.hash) over (order by e.seq) as prev_row_hash
    from audit.entries e
  ),
  genesis as (select sha256(convert_to('datahub audit genesis', 'UTF8')) as hash),
  problems as (
    select c.seq,
           case
             when c.seq <> coalesce(c.prev_seq, 0) + 1 then format('entry %s is missing (deleted)', coalesce(c.prev_seq, 0) + 1)
             when c.prev_hash <> coalesce(c.prev_row_hash, (select hash from genesis)) then format('entry %s does not follow entry %s (a row before it was replaced)', c.seq, c.prev_seq)
             when c.hash <> audit.entry_hash(c.seq, c.at, c.actor, c.action, c.target, c.details, c.prev_hash) then format('entry %s was altered after it was written', c.seq)
           end as problem
    from chain c
  ),
  first_problem as (select seq, problem from problems where problem is not null order by seq limit 1),
  tail as (
    select h.seq as head_seq, h.hash as head_hash,
           (select max(seq) from audit.entries) as last_seq,
           (select hash from audit.entries order by seq desc limit 1) as last_hash
    from audit.head h
  )
  select (select count(*) from audit.entries),
         coalesce(fp.seq, case when t.head_seq <> coalesce(t.last_seq, 0) or (t.last_seq is not null and t.head_hash <> t.last_hash)
                               then coalesce(t.last_seq, 0) + 1 end),
         coalesce(fp.problem, case when t.head_seq <> coalesce(t.last_seq, 0) or (t.last_seq is not null and t.head_hash <> t.last_hash)
                                   then format('entries after %s are missing (the head says %s)', coalesce(t.last_seq, 0), t.head_seq) end)
  from tail t left join first_problem fp on true
$$;
