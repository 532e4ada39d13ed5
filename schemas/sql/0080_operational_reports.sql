-- Operational statistics (issue #12): dossiers on time and late, special-request sharing, partner
-- deliveries. The reports are group-by queries in src/DataHub.Api/Reports/*Statistics.cs; here
-- are what they share with the land reports (today's unit of a record) and the indexes their
-- period filters need.

-- The administrative unit an old code belongs to on a date (ref.successors_on). A unit split into
-- several successors resolves to the first by code: a dossier or request has no geometry to
-- choose by (the land reports use the parcel's, reports.split_successor).
create function reports.admin_unit_on(p_code text, p_on date) returns text
language sql stable as $$
  select coalesce((select s from ref.successors_on(p_code, p_on) s order by s limit 1), p_code)
$$;

-- The same for organisations (access.units, access.unit_successions): Sở TN&MT Bình Phước of 2024
-- is Sở NN&MT Đồng Nai today. Successions are followed in date order, as ref.successors_on does.
create function reports.organisation_on(p_code text, p_on date) returns text
language sql stable as $$
  with recursive chain(code, since, depth) as (
    select p_code, '-infinity'::date, 0
    union
    select s.new_code, s.effective_on, c.depth + 1
    from chain c
    join access.unit_successions s on s.old_code = c.code and s.effective_on <= p_on and s.effective_on >= c.since
    where c.depth < 20
  )
  select coalesce((
    select c.code from chain c
    where not exists (select 1 from access.unit_successions s
                      where s.old_code = c.code and s.effective_on <= p_on and s.effective_on >= c.since)
    order by c.code limit 1), p_code)
$$;

-- Period filters: dossiers by the day received and the steps that finish or reject them;
-- requests by filing, decision steps, grants and their reads by time; outbox messages by creation
-- and by the end of a dead-lettered one (delivered ones have messages_finished), tries by time.
create index dossiers_received on dossiers.dossiers (received_on);
create index steps_outcome on dossiers.steps (dossier_id, at) where to_state in ('result-ready', 'returned', 'rejected');
create index requests_filed on special_sharing.requests (filed_at);
create index steps_decisions on special_sharing.steps (at) where to_state in ('approved', 'refused');
create index grants_granted on special_sharing.grants (granted_at);
create index grant_reads_at on special_sharing.grant_reads (at);
create index messages_created on outbox.messages (created_at);
create index messages_dead_finished on outbox.messages (finished_at) where status = 'dead';
create index attempts_at on outbox.attempts (at);
