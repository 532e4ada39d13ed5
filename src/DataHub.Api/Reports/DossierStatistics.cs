namespace DataHub.Api.Reports;

/// <summary>
/// Dossiers on time and late. Each figure is dated by its own event: received on the day
/// received; finished (the first step to result-ready or returned) on time when that day is on or
/// before the due date, late after it; rejected or withdrawn on the day of that step; still open
/// today (in time, or past the due date) under the day it was received. The due date is
/// dossiers.due_on, as the dossier API computes it (working days, the stopped clock added).
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
          select d.id, d.procedure_code, d.received_on, s.final,
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
        dated as (
          select b.*, b.finished_on is null and not b.final as open,
                 case when b.finished_on is not null or not b.final then dossiers.due_on(b.id, @today) end as due_on
          from base b
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
