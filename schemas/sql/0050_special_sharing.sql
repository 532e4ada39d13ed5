-- Special-request sharing (issue 7): a unit asks for data that is not shared by default (personal
-- fields, internal fields, a whole dataset), the data owner's reviewers negotiate the scope on the
-- request's thread, and an approval becomes a grant: exactly the agreed fields and rows, for a
-- period, read through the same OGC API query as default sharing (or delivered once as an
-- extract). Refusals are in writing with their legal basis (NĐ 194/2025); personal data only
-- with a legal basis and purpose, minimised, every read logged (Law 91/2025/QH15).
create schema if not exists special_sharing;

-- Rights: any unit may ask (readers and unit heads file requests); reviewers of a dataset review
-- its requests (requests.review, given per dataset since 0014); the department's administrators
-- see every request and grant, list the overdue ones and may revoke any grant.
insert into access.role_permissions (role, permission) values
  ('reader', 'requests.file'),
  ('unit-head', 'requests.file'),
  ('department-admin', 'requests.manage');

-- The negotiation as data. A request is always in one state; a step on its thread is an action
-- that one side may take from that state, and it leads to the state given here. Anything not in
-- this table is refused (409, naming the state and the actions it allows).
create table special_sharing.states (
  state     text primary key,
  open      boolean not null,     -- still waiting for an outcome: counts towards the decision deadline
  title_vi  text not null,
  title_en  text not null
);
insert into special_sharing.states (state, open, title_vi, title_en) values
  ('submitted', true, 'Đã gửi, chờ xem xét', 'Submitted, awaiting review'),
  ('information-requested', true, 'Yêu cầu bổ sung thông tin', 'More information requested'),
  ('counter-proposed', true, 'Đề xuất phạm vi hẹp hơn', 'Narrower scope proposed'),
  ('approved', false, 'Đã chấp thuận, đã cấp quyền', 'Approved, granted'),
  ('refused', false, 'Từ chối (bằng văn bản, có căn cứ pháp lý)', 'Refused (in writing, with legal basis)'),
  ('withdrawn', false, 'Đã rút yêu cầu', 'Withdrawn'),
  ('revoked', false, 'Quyền đã bị thu hồi', 'Grant revoked');

-- side: requester (the requesting unit's accounts and clients with requests.file), reviewer (a
-- holder of requests.review for every dataset of the request), administrator (requests.manage).
create table special_sharing.transitions (
  from_state  text not null references special_sharing.states,
  action      text not null,
  to_state    text not null references special_sharing.states,
  side        text not null check (side in ('requester', 'reviewer', 'administrator')),
  description text not null,
  primary key (from_state, action, side)
);
insert into special_sharing.transitions (from_state, action, to_state, side, description) values
  ('submitted', 'ask', 'information-requested', 'reviewer', 'Ask the requester for more information (message).'),
  ('submitted', 'counter-propose', 'counter-proposed', 'reviewer', 'Propose a narrower scope: fewer datasets or fields, an added row filter, a smaller area, a shorter period.'),
  ('submitted', 'approve', 'approved', 'reviewer', 'Approve the scope as it stands; a grant is created.'),
  ('submitted', 'refuse', 'refused', 'reviewer', 'Refuse, in writing, with reasons and the legal basis.'),
  ('submitted', 'amend', 'submitted', 'requester', 'Change the request (scope, purpose, legal basis, delivery, contact).'),
  ('submitted', 'withdraw', 'withdrawn', 'requester', 'Withdraw the request.'),
  ('submitted', 'comment', 'submitted', 'requester', 'Add a message to the thread.'),
  ('submitted', 'comment', 'submitted', 'reviewer', 'Add a message to the thread.'),
  ('information-requested', 'answer', 'submitted', 'requester', 'Answer the reviewers'' question (message).'),
  ('information-requested', 'amend', 'submitted', 'requester', 'Change the request in answer.'),
  ('information-requested', 'withdraw', 'withdrawn', 'requester', 'Withdraw the request.'),
  ('information-requested', 'refuse', 'refused', 'reviewer', 'Refuse, in writing, with reasons and the legal basis.'),
  ('information-requested', 'comment', 'information-requested', 'requester', 'Add a message to the thread.'),
  ('information-requested', 'comment', 'information-requested', 'reviewer', 'Add a message to the thread.'),
  ('counter-proposed', 'accept', 'approved', 'requester', 'Accept the counter-proposal: it becomes the grant.'),
  ('counter-proposed', 'amend', 'submitted', 'requester', 'Decline the counter-proposal with a changed request.'),
  ('counter-proposed', 'withdraw', 'withdrawn', 'requester', 'Withdraw the request.'),
  ('counter-proposed', 'refuse', 'refused', 'reviewer', 'Refuse, in writing, with reasons and the legal basis.'),
  ('counter-proposed', 'comment', 'counter-proposed', 'requester', 'Add a message to the thread.'),
  ('counter-proposed', 'comment', 'counter-proposed', 'reviewer', 'Add a message to the thread.'),
  ('approved', 'revoke', 'revoked', 'reviewer', 'Revoke the grant; it stops on the next request.'),
  ('approved', 'revoke', 'revoked', 'administrator', 'Revoke the grant; it stops on the next request.');

-- A request. scope is what is asked for now (the requester's latest version, or an accepted
-- counter-proposal); proposal is a reviewer's pending counter-proposal. A scope is
-- {"datasets": [{"dataset", "fields": [...], "filter": CQL2 text or null, "area": {"bbox"} |
-- {"units"} | {"geometry"} or null}], "validFrom": date, "validTo": date}. datasets lists every
-- dataset the request ever named, so each one's reviewers keep seeing it.
create table special_sharing.requests (
  id               uuid primary key,
  requester_unit   text not null,
  filed_by         text not null,
  filed_at         timestamptz not null default now(),
  state            text not null references special_sharing.states,
  datasets         text[] not null,
  scope            jsonb not null,
  proposal         jsonb,
  purpose          text not null,
  legal_basis      text not null,
  delivery         text not null check (delivery in ('api', 'extract')),
  extract_format   text check (extract_format in ('geojson', 'csv')),
  contact          jsonb not null,
  decision_due_on  date not null,
  decided_at       timestamptz,
  updated_at       timestamptz not null default now(),
  check (cardinality(datasets) > 0)
);
create index requests_unit on special_sharing.requests (requester_unit, filed_at desc);
create index requests_datasets on special_sharing.requests using gin (datasets);
create index requests_open on special_sharing.requests (decision_due_on) where decided_at is null;

-- The thread: every step with who, when, the state it left and reached, and the exact scope
-- difference it made (fields removed or added, filter changed, area changed, period
-- shortened...). Append-only like the audit trail.
create table special_sharing.steps (
  id           bigint generated always as identity primary key,
  request_id   uuid not null references special_sharing.requests,
  at           timestamptz not null default now(),
  actor        text not null,
  actor_unit   text,
  side         text not null check (side in ('requester', 'reviewer', 'administrator')),
  action       text not null,
  from_state   text references special_sharing.states,
  to_state     text not null references special_sharing.states,
  message      text,
  reasons      text,
  legal_basis  text,
  scope        jsonb,        -- the scope the step proposed or settled, when it touched it
  difference   jsonb         -- from the scope before the step to the one after
);
create index steps_request on special_sharing.steps (request_id, id);
create function special_sharing.refuse_change() returns trigger
language plpgsql as $$
begin
  raise exception 'the thread of a data request is append-only' using errcode = '42501';
end
$$;
create trigger append_only before update or delete or truncate on special_sharing.steps
  for each statement execute function special_sharing.refuse_change();

-- A grant: the agreed scope, copied from the request at approval and never edited; the period
-- ends at valid_to (exclusive), or earlier at revoked_at.
create table special_sharing.grants (
  id                  uuid primary key,
  request_id          uuid not null unique references special_sharing.requests,
  grantee_unit        text not null,
  datasets            text[] not null,
  scope               jsonb not null,
  valid_from          timestamptz not null,
  valid_to            timestamptz not null,
  rate_limit_per_hour int not null check (rate_limit_per_hour > 0),
  delivery            text not null check (delivery in ('api', 'extract')),
  granted_at          timestamptz not null default now(),
  granted_by          text not null,
  revoked_at          timestamptz,
  revoked_by          text,
  revocation_reason   text,
  check (valid_to > valid_from)
);
create index grants_unit on special_sharing.grants (grantee_unit);
create index grants_datasets on special_sharing.grants using gin (datasets);

-- Every read through a grant: for its rate limit and its usage; the audit trail holds the same
-- read as an entry (who, when, how many records, which fields).
create table special_sharing.grant_reads (
  id          bigint generated always as identity primary key,
  grant_id    uuid not null references special_sharing.grants,
  at          timestamptz not null default now(),
  actor       text not null,
  collection  text not null,
  via         text not null check (via in ('items', 'item', 'extract')),
  records     bigint
);
create index grant_reads_window on special_sharing.grant_reads (grant_id, at);

-- State changes as events, written in the transaction that makes the change, for the outbox to
-- route to partners (a row per event; txid orders them as the change feed does).
create table special_sharing.events (
  id             bigint generated always as identity primary key,
  at             timestamptz not null default now(),
  txid           xid8 not null default pg_current_xact_id(),
  kind           text not null,     -- request.filed, request.<action>, grant.created, grant.revoked
  request_id     uuid not null,
  grant_id       uuid,
  requester_unit text not null,
  datasets       text[] not null,
  from_state     text,
  to_state       text not null,
  actor          text not null,
  payload        jsonb not null default '{}'
);
create index events_request on special_sharing.events (request_id, id);

-- How the rows of a dataset without geometry lie on the map, so that a grant's area (a bbox,
-- administrative units) can limit them too: the land users of a parcel lie where the parcel is.
create table catalog.dataset_locators (
  dataset_id       text primary key references catalog.datasets,
  column_name      text not null check (column_name ~ '^[a-z_][a-z0-9_]*$'),
  relation         text not null,     -- schema.table holding the geometry
  relation_key     text not null check (relation_key ~ '^[a-z_][a-z0-9_]*$'),
  geometry_column  text not null check (geometry_column ~ '^[a-z_][a-z0-9_]*$'),
  srid             int not null
);
insert into catalog.dataset_locators values ('parcel-users', 'parcel_id', 'land.parcels', 'id', 'geom', 9212);

-- Extracts of a grant are extraction jobs in its scope: they name the grant, wait for its
-- start, and keep their files for their own lifetime.
alter table extraction.jobs
  add column grant_id uuid references special_sharing.grants,
  add column run_after timestamptz,
  add column expires_after interval;
create index jobs_grant on extraction.jobs (grant_id) where grant_id is not null;

-- An area of a scope as one geometry in WGS 84, to check that a counter-proposal's area lies
-- within the requested one. Units are taken with their latest boundary.
create function special_sharing.area_geometry(p_area jsonb) returns geometry
language sql stable as $$
  select case
    when p_area is null or jsonb_typeof(p_area) = 'null' then null
    when p_area ? 'bbox' then ST_MakeEnvelope((p_area->'bbox'->>0)::float8, (p_area->'bbox'->>1)::float8,
                                             (p_area->'bbox'->>2)::float8, (p_area->'bbox'->>3)::float8, 4326)
    when p_area ? 'units' then (select ST_Transform(ST_Union(b.boundary), 4326) from (
                                  select distinct on (u.code) u.boundary from ref.admin_units u
                                  where u.code in (select jsonb_array_elements_text(p_area->'units'))
                                  order by u.code, u.valid_from desc) b)
    when p_area ? 'geometry' then ST_SetSRID(ST_GeomFromGeoJSON((p_area->'geometry')::text), 4326)
  end
$$;
