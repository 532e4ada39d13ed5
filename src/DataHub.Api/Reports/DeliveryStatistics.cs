namespace DataHub.Api.Reports;

/// <summary>
/// Partner deliveries through the outbox (the targets of DeliveryQueries). Each figure is dated
/// by its own event: a message queued by its creation; delivered or dead-lettered by when that
/// happened (with the minutes from queueing to delivery); a try by when it was made (replays are
/// not tries). Messages pending now count under their creation, and the lag is the age of the
/// oldest of them, as /api/v1/deliveries reports it. Delivered messages older than the clean-up's
/// retention (Deliveries:RetentionDays) are gone, and so are their figures.
/// </summary>
internal static class DeliveryStatistics
{
    private const string Figures = """
        count(*) filter (where measure = 'CREATED')::numeric,
        count(*) filter (where measure = 'SENT')::numeric,
        count(*) filter (where measure = 'FAILED')::numeric,
        count(*) filter (where measure = 'PENDING')::numeric,
        coalesce(round(max(value) filter (where measure = 'PENDING'), 1), 0),
        coalesce(round(avg(value) filter (where measure = 'SENT'), 1), 0),
        count(*) filter (where measure = 'ATTEMPTS')::numeric
        """;

    public const string Sql = $"""
        with bounds as (
          select (@from::timestamp at time zone 'Asia/Ho_Chi_Minh') as starts, (@until::timestamp at time zone 'Asia/Ho_Chi_Minh') as ends
        ),
        events as (
          select m.target, m.created_at as at, 'CREATED' as measure, null::numeric as value
          from outbox.messages m, bounds b where m.created_at >= b.starts and m.created_at < b.ends
          union all
          select m.target, m.finished_at, 'SENT', extract(epoch from m.finished_at - m.created_at) / 60
          from outbox.messages m, bounds b where m.status = 'delivered' and m.finished_at >= b.starts and m.finished_at < b.ends
          union all
          select m.target, m.finished_at, 'FAILED', null
          from outbox.messages m, bounds b where m.status = 'dead' and m.finished_at >= b.starts and m.finished_at < b.ends
          union all
          select m.target, m.created_at, 'PENDING', extract(epoch from now() - m.created_at) / 60
          from outbox.messages m, bounds b where m.status = 'pending' and m.created_at >= b.starts and m.created_at < b.ends
          union all
          select m.target, a.at, 'ATTEMPTS', null
          from outbox.attempts a join outbox.messages m on m.id = a.message_id, bounds b
          where a.outcome <> 'replayed' and a.at >= b.starts and a.at < b.ends
        ),
        keyed as (
          select case @by when 'month' then to_char(e.at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') else e.target end as key, e.measure, e.value
          from events e
        )
        select key, {Figures} from keyed group by key
        union all
        select null, {Figures} from keyed
        """;
}
