namespace DataHub.Api.Reports;

/// <summary>
/// Special-request sharing. Each figure is dated by its own event: a request by its filing; a
/// decision by the step that approved (approve, or accepting a counter-proposal) or refused it,
/// with the days from filing to that step; a grant by when it was made; a read by when it was
/// made. Requests still undecided today past their decision deadline count under their filing.
/// By dataset, a request, grant or read counts under each dataset it names, and once in the total.
/// By unit: the requesting unit (grants and reads: the grantee), today's organisation for new.
/// </summary>
internal static class SharingStatistics
{
    private const string Figures = """
        count(*) filter (where measure = 'FILED')::numeric,
        count(*) filter (where measure = 'APPROVED')::numeric,
        count(*) filter (where measure = 'REFUSED')::numeric,
        coalesce(round(avg(value) filter (where measure in ('APPROVED', 'REFUSED')), 1), 0),
        count(*) filter (where measure = 'OPEN_OVERDUE')::numeric,
        count(*) filter (where measure = 'GRANTS')::numeric,
        count(*) filter (where measure = 'READS')::numeric,
        coalesce(sum(value) filter (where measure = 'READS'), 0)
        """;

    public const string Sql = $"""
        with bounds as (
          select (@from::timestamp at time zone 'Asia/Ho_Chi_Minh') as starts, (@until::timestamp at time zone 'Asia/Ho_Chi_Minh') as ends
        ),
        requests as (
          select r.id, r.filed_at, r.datasets, r.decision_due_on, s.open,
                 case when @units = 'old' then r.requester_unit else reports.organisation_on(r.requester_unit, @today) end as unit
          from special_sharing.requests r join special_sharing.states s on s.state = r.state
        ),
        grants as (
          select g.id, g.granted_at, g.datasets,
                 case when @units = 'old' then g.grantee_unit else reports.organisation_on(g.grantee_unit, @today) end as unit
          from special_sharing.grants g
        ),
        events as (
          select r.filed_at as at, 'FILED' as measure, null::numeric as value, r.datasets, r.unit
          from requests r, bounds b where r.filed_at >= b.starts and r.filed_at < b.ends
          union all
          select r.filed_at, 'OPEN_OVERDUE', null, r.datasets, r.unit
          from requests r, bounds b where r.filed_at >= b.starts and r.filed_at < b.ends and r.open and r.decision_due_on < @today
          union all
          select s.at, case s.to_state when 'approved' then 'APPROVED' else 'REFUSED' end,
                 extract(epoch from s.at - r.filed_at) / 86400, r.datasets, r.unit
          from special_sharing.steps s join requests r on r.id = s.request_id, bounds b
          where s.to_state in ('approved', 'refused') and s.at >= b.starts and s.at < b.ends
          union all
          select g.granted_at, 'GRANTS', null, g.datasets, g.unit
          from grants g, bounds b where g.granted_at >= b.starts and g.granted_at < b.ends
          union all
          select x.at, 'READS', coalesce(x.records, 0), array[x.collection], g.unit
          from special_sharing.grant_reads x join grants g on g.id = x.grant_id, bounds b
          where x.at >= b.starts and x.at < b.ends
        ),
        keyed as (
          select e.*, case @by when 'month' then array[to_char(e.at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM')]
                               when 'dataset' then e.datasets else array[e.unit] end as keys
          from events e
        )
        select k.key, {Figures} from keyed e cross join unnest(e.keys) k(key) group by k.key
        union all
        select null, {Figures} from keyed e
        """;
}
