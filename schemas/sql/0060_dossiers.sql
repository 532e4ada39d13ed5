-- Land dossiers (hồ sơ đất đai) received at the one-stop shop and processed by the land
-- registration office: procedures, their workflows and deadlines are data; each dossier keeps
-- its form, documents, steps and the apology records of a late return. The applicant's personal
-- data sits in the personal schema, apart from everything that is shared.
create schema if not exists dossiers;

-- Administrative procedures (thủ tục hành chính) with their codes in the national procedure
-- database, the statutory deadline in working days, the workflow they follow, the change they
-- make to the land database when approved, and the version of their electronic form. A
-- procedure's deadline or form changes by a new row from a date, like every code.
create table dossiers.procedures (
  code            text not null,
  name_vi         text not null,
  name_en         text not null,
  deadline_days   int not null check (deadline_days > 0),
  workflow        text not null,        -- 'with-tax' or 'without-tax' (dossiers.transitions)
  change_kind     text not null check (change_kind in ('transfer', 'split', 'mortgage', 'none')),
  form_version    text not null,        -- schemas/json/forms/<code>/<form_version>.schema.json
  valid_from      date not null,
  valid_to        date,
  source_document text,
  primary key (code, valid_from),
  check (valid_to is null or valid_to > valid_from),
  exclude using gist (code with =, daterange(valid_from, valid_to) with &&)
);

insert into dossiers.procedures (code, name_vi, name_en, deadline_days, workflow, change_kind, form_version, valid_from, source_document) values
  ('1.013831', 'Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất (chuyển nhượng, tặng cho, thừa kế, góp vốn)',
   'Change registration (transfer, gift, inheritance, capital contribution)', 8, 'with-tax', 'transfer', 'v1', '2024-08-01',
   'NĐ 101/2024/NĐ-CP; QĐ công bố TTHC (check)'),
  ('1.012784', 'Tách thửa hoặc hợp thửa đất', 'Split or merge of parcels', 15, 'with-tax', 'split', 'v1', '2024-08-01',
   'NĐ 101/2024/NĐ-CP (check)'),
  ('1.011441', 'Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất', 'Mortgage registration', 3, 'without-tax', 'mortgage', 'v1', '2024-08-01',
   'NĐ 99/2022/NĐ-CP (check)');

-- The states of a dossier, and whether the processing clock runs in them: the tax stage and a
-- pause are not counted in the deadline (DOMAIN.md). Final states end the clock.
create table dossiers.states (
  state       text primary key,
  label_vi    text not null,
  label_en    text not null,
  clock_runs  boolean not null,
  final       boolean not null
);
insert into dossiers.states (state, label_vi, label_en, clock_runs, final) values
  ('received', 'Đã tiếp nhận', 'Received', true, false),
  ('needs-supplement', 'Yêu cầu bổ sung', 'Needs supplement', true, false),
  ('in-processing', 'Đang xử lý', 'In processing', true, false),
  ('waiting-for-financial-obligation', 'Chờ thực hiện nghĩa vụ tài chính', 'Waiting for the financial obligation', false, false),
  ('obligation-fulfilled', 'Đã thực hiện nghĩa vụ tài chính', 'Financial obligation fulfilled', true, false),
  ('result-ready', 'Có kết quả, chờ trả', 'Result ready', true, false),
  ('returned', 'Đã trả kết quả', 'Result returned', false, true),
  ('rejected', 'Từ chối, trả lại hồ sơ', 'Rejected', false, true),
  ('paused', 'Tạm dừng', 'Paused', false, false);

-- The allowed steps of each workflow: from a state, an action leads to a state, and only a
-- caller holding the permission may take it. Anything not listed is refused.
create table dossiers.transitions (
  workflow    text not null,
  from_state  text not null references dossiers.states,
  action      text not null,
  to_state    text not null references dossiers.states,
  permission  text not null,
  primary key (workflow, from_state, action)
);
insert into dossiers.transitions (workflow, from_state, action, to_state, permission)
select w, f, a, t, p
from (values ('with-tax'), ('without-tax')) workflows(w)
cross join (values
  ('received', 'accept', 'in-processing', 'dossiers.process'),
  ('received', 'request-supplement', 'needs-supplement', 'dossiers.process'),
  ('received', 'reject', 'rejected', 'dossiers.process'),
  ('needs-supplement', 'supplement', 'in-processing', 'dossiers.intake'),
  ('needs-supplement', 'withdraw', 'rejected', 'dossiers.intake'),
  ('in-processing', 'request-supplement', 'needs-supplement', 'dossiers.process'),
  ('in-processing', 'pause', 'paused', 'dossiers.process'),
  ('paused', 'resume', 'in-processing', 'dossiers.process'),
  ('in-processing', 'reject', 'rejected', 'dossiers.approve'),
  ('result-ready', 'return-result', 'returned', 'dossiers.intake')
) steps(f, a, t, p)
union all
select 'with-tax', f, a, t, p from (values
  ('in-processing', 'send-to-tax', 'waiting-for-financial-obligation', 'dossiers.process'),
  ('waiting-for-financial-obligation', 'confirm-payment', 'obligation-fulfilled', 'dossiers.tax'),
  ('obligation-fulfilled', 'approve', 'result-ready', 'dossiers.approve')
) steps(f, a, t, p)
union all
select 'without-tax', 'in-processing', 'approve', 'result-ready', 'dossiers.approve';

create table dossiers.dossiers (
  id               uuid primary key,
  sender           text not null,         -- the principal that sent it (client:<id>)
  sender_number    text not null check (length(sender_number) between 1 and 100),  -- số biên nhận of the one-stop shop
  body_sha256      text not null,
  procedure_code   text not null,
  form_version     text not null,
  unit_code        text,                  -- the processing unit (land registration office)
  commune_code     text not null,
  channel          text not null check (channel in ('counter', 'online', 'post')),
  received_at      timestamptz not null,
  received_on      date not null,         -- in the province's time zone
  deadline_days    int not null,          -- the procedure's deadline when received
  state            text not null references dossiers.states,
  form             jsonb not null,
  result           jsonb,                 -- what approving applied (parcels changed, created, retired)
  intake_by        text not null,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  unique (sender, sender_number)
);
create index dossiers_state on dossiers.dossiers (state, received_on);
create index dossiers_procedure on dossiers.dossiers (procedure_code, received_on);
create index dossiers_commune on dossiers.dossiers (commune_code);

-- The parcels and certificates a dossier concerns, as the sender named them; parcel_id is the
-- parcel found in the land database at intake (null when none matches: a new parcel).
create table dossiers.parcels (
  dossier_id    uuid not null references dossiers.dossiers on delete cascade,
  commune_code  text not null,
  map_sheet     int not null,
  parcel_no     int not null,
  parcel_id     bigint,
  primary key (dossier_id, commune_code, map_sheet, parcel_no)
);
create index dossier_parcels_parcel on dossiers.parcels (parcel_id);
create table dossiers.certificates (
  dossier_id  uuid not null references dossiers.dossiers on delete cascade,
  serial      text not null,
  primary key (dossier_id, serial)
);

-- PERSONAL DATA: the applicant (người nộp hồ sơ / người yêu cầu). Read only through
-- GET /dossiers/{id}/applicant, by roles holding personal.read, and every read is audited.
create table personal.dossier_applicants (
  dossier_id   uuid primary key references dossiers.dossiers on delete cascade,
  full_name    text not null,
  id_kind      text,
  id_number    text,
  birth_year   int,
  address      text,
  phone        text,
  email        text
);
comment on table personal.dossier_applicants is 'PERSONAL DATA: applicants of land dossiers; never in a default-shared response, reads audited.';

-- Attached documents, kept in the database beside the dossier: intake is one transaction, the
-- hub processes stay stateless, and the daily backup holds them with the data they belong to.
create table dossiers.documents (
  id          uuid primary key,
  dossier_id  uuid not null references dossiers.dossiers on delete cascade,
  name        text not null,
  title       text,
  media_type  text not null,
  size_bytes  bigint not null,
  sha256      text not null,
  content     bytea not null
);
create index documents_dossier on dossiers.documents (dossier_id);

-- Every step taken, with who, when and why; the state's history and the deadline clock.
create table dossiers.steps (
  id          bigint generated always as identity primary key,
  dossier_id  uuid not null references dossiers.dossiers on delete cascade,
  at          timestamptz not null,
  from_state  text references dossiers.states,
  action      text not null,
  to_state    text not null references dossiers.states,
  actor       text not null,
  note        text,
  data        jsonb
);
create index steps_dossier on dossiers.steps (dossier_id, at, id);

-- "Phiếu xin lỗi và hẹn lại ngày trả kết quả": the office's apology and the new return date
-- when a dossier will be late.
create table dossiers.apologies (
  id             bigint generated always as identity primary key,
  dossier_id     uuid not null references dossiers.dossiers on delete cascade,
  reason         text not null,
  due_on         date not null,      -- the due date that will be missed
  new_return_on  date not null,
  issued_by      text not null,
  issued_at      timestamptz not null,
  check (new_return_on > due_on)
);
create index apologies_dossier on dossiers.apologies (dossier_id);

-- Tax notices and payment confirmations received from the tax authority.
create table dossiers.tax_notices (
  id            bigint generated always as identity primary key,
  dossier_id    uuid not null references dossiers.dossiers on delete cascade,
  kind          text not null check (kind in ('notice', 'payment')),
  reference     text not null,       -- the tax authority's number of the notice or receipt
  amount_vnd    numeric(18, 0),
  received_by   text not null,
  received_at   timestamptz not null,
  data          jsonb not null,
  unique (dossier_id, kind, reference)
);

-- Messages to partners (the tax authority, the one-stop shop), written in the same
-- transaction as the step that causes them. Until the hub's outbox carries dossier messages,
-- this table is the hand-over point: a sender reads pending rows and marks them delivered.
create table dossiers.messages (
  id            bigint generated always as identity primary key,
  key           uuid not null default gen_random_uuid(),   -- the idempotency key partners see
  dossier_id    uuid not null references dossiers.dossiers on delete cascade,
  target        text not null check (target in ('tax-authority', 'one-stop-shop')),
  kind          text not null,
  payload       jsonb not null,
  created_at    timestamptz not null default now(),
  status        text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
  delivered_at  timestamptz
);
create index messages_pending on dossiers.messages (target, id) where status = 'pending';
create index messages_dossier on dossiers.messages (dossier_id, id);

-- Working days the clock stood still for a dossier up to p_today: for each period in a state
-- whose clock does not run (the tax stage, a pause), the working days in (entered, left].
-- A period still open counts up to p_today, so the due date moves while the clock is stopped.
create function dossiers.stopped_working_days(p_dossier uuid, p_today date) returns int
language sql stable as $$
  with periods as (
    select s.to_state,
           (s.at at time zone 'Asia/Ho_Chi_Minh')::date as entered_on,
           (lead(s.at) over (order by s.at, s.id) at time zone 'Asia/Ho_Chi_Minh')::date as left_on
    from dossiers.steps s
    where s.dossier_id = p_dossier
  )
  select coalesce(sum(ref.working_days_between(p.entered_on, greatest(p.entered_on, coalesce(p.left_on, p_today)))), 0)::int
  from periods p
  join dossiers.states st on st.state = p.to_state
  where not st.clock_runs and not st.final
$$;

-- The due date: the procedure's working days after the received date, pushed back by every
-- working day the clock stood still.
create function dossiers.due_on(p_dossier uuid, p_today date) returns date
language sql stable as $$
  select ref.add_working_days(d.received_on, d.deadline_days + dossiers.stopped_working_days(d.id, p_today))
  from dossiers.dossiers d where d.id = p_dossier
$$;

-- Who does what: the one-stop shop's software sends dossiers and takes the steps at the
-- counter; the land registration office processes and its head approves; the tax authority
-- answers with notices and payments. Personal data needs its own right.
insert into access.roles (role, title_vi, title_en, dataset_scoped, description) values
  ('one-stop-shop', 'Phần mềm một cửa', 'One-stop-shop software', false,
   'Sends dossiers received at the Public Administrative Service Center, takes the counter''s steps (supplement, withdrawal, returning the result) and reads their status.'),
  ('land-registrar', 'Chuyên viên Văn phòng đăng ký đất đai', 'Land registration officer', false,
   'Processes land dossiers: accepts, asks for supplements, pauses, sends to the tax authority, records apologies; reads applicants'' personal data.'),
  ('registrar-head', 'Lãnh đạo Văn phòng đăng ký đất đai', 'Head of the land registration office', false,
   'Approves (applying the change to the land database) or rejects land dossiers, and everything a land registration officer does.'),
  ('tax-authority', 'Cơ quan thuế', 'Tax authority', false,
   'Reads the dossiers sent to it and answers with tax notices and payment confirmations.');

insert into access.role_permissions (role, permission) values
  ('one-stop-shop', 'dossiers.intake'),
  ('one-stop-shop', 'dossiers.read'),
  ('land-registrar', 'dossiers.read'),
  ('land-registrar', 'dossiers.process'),
  ('land-registrar', 'personal.read'),
  ('registrar-head', 'dossiers.read'),
  ('registrar-head', 'dossiers.process'),
  ('registrar-head', 'dossiers.approve'),
  ('registrar-head', 'personal.read'),
  ('tax-authority', 'dossiers.read'),
  ('tax-authority', 'dossiers.tax');
