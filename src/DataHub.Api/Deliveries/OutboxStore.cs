using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.Deliveries;

/// <summary>A claimed message: what to send and to whom.</summary>
public sealed record OutboxMessage(long Id, Guid Key, string Target, string DatasetId, string EntityKey, string Change, int Attempts, DateTimeOffset CreatedAt);

/// <summary>How one message's send ended.</summary>
public enum SendOutcome { Delivered, Unreachable, Refused }

/// <summary>One message's result, with what the attempt history keeps of it and the wait before its next claim.</summary>
public sealed record SendResult(long MessageId, SendOutcome Outcome, int? StatusCode, string? Error, TimeSpan Wait);

/// <summary>
/// The outbox's claim and settle statements. Claims are leases: a claimed message is pending with
/// next_attempt_at in the future and the claimant's token, so a hub killed mid-send loses nothing
/// (the lease runs out and another worker takes the message again, under the same key).
/// </summary>
public sealed class OutboxStore(NpgsqlDataSource dataSource)
{
    /// <summary>This hub process, as the attempt history names it.</summary>
    public static readonly string Worker = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// The oldest claimable messages of a target: pending, due, and the earliest undelivered one of
    /// their record (a later change waits while an earlier one is pending or dead-lettered).
    /// SKIP LOCKED lets several hub processes claim side by side without waiting or overlapping.
    /// </summary>
    public async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(string target, int limit, TimeSpan lease, Guid claim, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            with claimable as (
              select m.id from outbox.messages m
              where m.target = $1 and m.status = 'pending' and m.next_attempt_at <= now()
                and not exists (select 1 from outbox.messages e
                                where e.target = m.target and e.dataset_id = m.dataset_id and e.entity_key = m.entity_key
                                  and e.id < m.id and e.status <> 'delivered')
              order by m.id
              limit $2
              for update of m skip locked
            )
            update outbox.messages m set next_attempt_at = now() + $3, claim = $4
            from claimable c where m.id = c.id
            returning m.id, m.key, m.target, m.dataset_id, m.entity_key, m.change, m.attempts, m.created_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = target });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        command.Parameters.Add(new NpgsqlParameter { Value = lease });
        command.Parameters.Add(new NpgsqlParameter { Value = claim });
        var claimed = new List<OutboxMessage>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(new OutboxMessage(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetInt32(6), reader.GetFieldValue<DateTimeOffset>(7)));
        }
        claimed.Sort((a, b) => a.Id.CompareTo(b.Id));
        return claimed;
    }

    /// <summary>
    /// Records how each message's send ended, in one transaction: delivered ones are done (even if
    /// their lease ran out meanwhile: a success is a success); others are settled only while this
    /// claim still holds them. Refusals count towards dead-lettering, unreachable tries do not.
    /// </summary>
    public async Task SettleAsync(Guid claim, IReadOnlyList<SendResult> results, TimeSpan elapsed, int maxAttempts, CancellationToken ct)
    {
        var ids = results.Select(r => r.MessageId).ToArray();
        var outcomes = results.Select(r => r.Outcome switch
        {
            SendOutcome.Delivered => "delivered",
            SendOutcome.Unreachable => "unreachable",
            _ => "refused",
        }).ToArray();
        var codes = results.Select(r => r.StatusCode).ToArray();
        var errors = results.Select(r => r.Error).ToArray();
        var waits = results.Select(r => r.Wait).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand("""
            with result as (
              select * from unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::interval[]) r(id, outcome, status_code, error, wait)
            ), settled as (
              update outbox.messages m set
                attempts = m.attempts + (r.outcome <> 'unreachable')::int,
                status = case when r.outcome = 'delivered' then 'delivered'
                              when r.outcome = 'refused' and m.attempts + 1 >= $7 then 'dead'
                              else 'pending' end,
                finished_at = case when r.outcome = 'delivered' or (r.outcome = 'refused' and m.attempts + 1 >= $7) then now() end,
                next_attempt_at = now() + r.wait,
                last_error = case when r.outcome = 'delivered' then m.last_error else r.error end,
                claim = null
              from result r
              where m.id = r.id and m.status = 'pending' and (r.outcome = 'delivered' or m.claim = $6)
              returning m.id, m.status, r.outcome, r.status_code, r.error
            )
            insert into outbox.attempts (message_id, outcome, status_code, error, duration_ms, worker)
            select id, case when status = 'dead' then 'dead' else outcome end, status_code, error, $8, $9 from settled
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = ids });
            command.Parameters.Add(new NpgsqlParameter { Value = outcomes });
            command.Parameters.Add(new NpgsqlParameter { Value = codes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            command.Parameters.Add(new NpgsqlParameter { Value = errors, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = waits });
            command.Parameters.Add(new NpgsqlParameter { Value = claim });
            command.Parameters.Add(new NpgsqlParameter { Value = maxAttempts });
            command.Parameters.Add(new NpgsqlParameter { Value = (int)Math.Min(elapsed.TotalMilliseconds, int.MaxValue) });
            command.Parameters.Add(new NpgsqlParameter { Value = Worker });
            await command.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }
}
