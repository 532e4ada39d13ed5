namespace DataHub.Api.Reports;

/// <summary>
/// Dossiers on time and late. Each figure is dated by its own event: received on the day
/// received; finished (the first step to result-ready or returned) on time when that day is on or
/// before the due date, late after it; rejected or withdrawn on the day of that step; still open
/// today (in time, or past the due date) under the day it was received. The due date follows the
/// rules of dossiers.due_on, which the dossier API uses (working days, the stopped clock added);
/// the tests compare the two.
/// </summary>
internal static class DossierStatistics
{
    private const string Figures = """
        count(*) filter (where measure = 'RECEIVED')::numeric,
        count(*) filter (where measure = 'ON_TIME')::numeric,
        count(*) filter (where measure = 'LATE')::numeric,
        coalesce(round(100.0 * count(*) filter (where measure = 'ON_TIME') / nullif(count(*) filter (where measure in ('ON_TIME', 'LATE')), 0), 1), 0),
        count(*) filter (where measure = 'REJECTED')::numeric,
        count(*) filter (where measure = 'OPEN_IN_TIME')::numeric,
        count(*) filter (where measure = 'OPEN_OVERDUE')::numeric
        """;

    /// <summary>
    /// Units: 'unit' is the commune the dossier is for; new = its unit today
    /// (reports.admin_unit_on), old = the commune its first parcel was registered under (the old
    /// one a merged commune's parcel keeps), else the commune as received. 'office' is the
    /// processing office, followed to today's organisation for new.
    /// </summary>
    public const string Sql = $"""
        with base as (
          select d.id, d.procedure_code, d.received_on, d.deadline_days, s.final,
                 case when @by = 'unit' and @units = 'old' then coalesce(
                        (select coalesce(p.old_commune_code, p.commune_code) from dossiers.parcels dp join land.parcels p on p.id = dp.parcel_id
                         where dp.dossier_id = d.id order by dp.commune_code, dp.map_sheet, dp.parcel_no limit 1), d.commune_code)
                      when @by = 'unit' then reports.admin_unit_on(d.commune_code, @today)
                      when @by = 'office' and @units = 'old' then coalesce(d.unit_code, '?')
                      when @by = 'office' then reports.organisation_on(coalesce(d.unit_code, '?'), @today)
                 end as unit,
                 (o.finished_at at time zone 'Asia/Ho_Chi_Minh')::date as finished_on,
                 (o.rejected_at at time zone 'Asia/Ho_Chi_Minh')::date as rejected_on
          from dossiers.dossiers d
          join dossiers.states s on s.state = d.state
          cross join lateral (
            select min(x.at) filter (where x.to_state in ('result-ready', 'returned')) as finished_at,
                   min(x.at) filter (where x.to_state = 'rejected') as rejected_at
            from dossiers.steps x where x.dossier_id = d.id and x.to_state in ('result-ready', 'returned', 'rejected')) o
          where d.received_on < @until
            and (d.received_on >= @from
                 or d.id in (select x.dossier_id from dossiers.steps x
                             where x.to_state in ('result-ready', 'returned', 'rejected')
                               and x.at >= (@from::timestamp at time zone 'Asia/Ho_Chi_Minh') and x.at < (@until::timestamp at time zone 'Asia/Ho_Chi_Minh')))
        ),
        -- Due dates set-based, by the rules of dossiers.due_on (0060): the received day plus the
        -- procedure's working days plus the working days the clock stood still, counted on one
        -- numbered calendar (n = working days up to that day) instead of a loop per dossier, which
        -- took minutes for 100,000 dossiers. Outside the calendar: dossiers.due_on itself.
        needs as (
          select b.id, b.received_on, b.deadline_days from base b where b.finished_on is not null or not b.final
        ),
        days as (
          select g.day::date as day, ref.is_working_day(g.day::date) as working
          from generate_series((select min(received_on) - 366 from needs), @today + 1000, interval '1 day') g(day)
        ),
        calendar as (
          select day, working, count(*) filter (where working) over (order by day) as n from days
        ),
        firsts as (
          select n, min(day) as day from calendar where working group by n
        ),
        periods as (
          select s.dossier_id, s.to_state, (s.at at time zone 'Asia/Ho_Chi_Minh')::date as entered_on,
                 (lead(s.at) over (partition by s.dossier_id order by s.at, s.id) at time zone 'Asia/Ho_Chi_Minh')::date as left_on
          from dossiers.steps s where s.dossier_id in (select id from needs)
        ),
        stops as (
          select p.dossier_id, sum(l.n - e.n) as stopped
          from periods p
          join dossiers.states st on st.state = p.to_state and not st.clock_runs and not st.final
          join calendar e on e.day = p.entered_on
          join calendar l on l.day = greatest(p.entered_on, coalesce(p.left_on, @today))
          group by 1
        ),
        due as (
          select x.id, coalesce(f.day, dossiers.due_on(x.id, @today)) as due_on
          from needs x
          left join calendar r on r.day = x.received_on
          left join stops s on s.dossier_id = x.id
          left join firsts f on f.n = r.n + x.deadline_days + coalesce(s.stopped, 0)
        ),
        dated as (
          select b.*, b.finished_on is null and not b.final as open, d.due_on
          from base b left join due d on d.id = b.id
        ),
        events as (
          select case @by when 'procedure' then x.procedure_code when 'month' then to_char(e.on_day, 'YYYY-MM') else x.unit end as key, e.measure
          from dated x
          cross join lateral (values
            ('RECEIVED', x.received_on),
            (case when x.finished_on <= x.due_on then 'ON_TIME' else 'LATE' end, x.finished_on),
            ('REJECTED', x.rejected_on),
            (case when x.due_on < @today then 'OPEN_OVERDUE' else 'OPEN_IN_TIME' end, case when x.open then x.received_on end)
          ) e(measure, on_day)
          where e.on_day >= @from and e.on_day < @until
        )
        select key, {Figures} from events group by key
        union all
        select null, {Figures} from events
        """;
}
