using Npgsql;

namespace DataHub.Api.Deliveries;

/// <summary>One target's messages by status; the lag is the age of its oldest pending message.</summary>
public sealed record TargetSummary(string Target, bool Configured, long Pending, long Delivered, long Dead, DateTimeOffset? OldestPendingAt, double? OldestPendingSeconds);

/// <summary>A message as operators see it.</summary>
public sealed record DeliveryMessage(
    long Id, Guid Key, string Target, string Dataset, string EntityKey, string Change, string Status, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? FinishedAt, string? LastError);

/// <summary>One try to send a message.</summary>
public sealed record DeliveryAttempt(DateTimeOffset At, string Outcome, int? StatusCode, string? Error, int? DurationMs, string? Worker);

/// <summary>The filters of a message list; After is the id the previous page ended at.</summary>
public sealed record MessageFilter(string? Target, string? Status, string? Dataset, string? EntityKey, long After, int Limit);

/// <summary>The outbox's reads and an operator's replays.</summary>
public sealed class DeliveryQueries(NpgsqlDataSource dataSource)
{
    public static readonly string[] Targets = ["ministry", "ioc"];
    public static readonly string[] Statuses = ["pending", "delivered", "dead"];

    private const string MessageColumns = """
        m.id, m.key, m.target, m.dataset_id, m.entity_key, m.change, m.status, m.attempts,
        m.created_at, case when m.status = 'pending' then m.next_attempt_at end, m.finished_at, m.last_error
        """;

    public async Task<IReadOnlyList<TargetSummary>> SummaryAsync(Func<string, bool> configured, CancellationToken ct)
    {
        // Pending and dead come from their partial indexes; delivered is counted over the table
        // (kept small by the clean-up job).
        await using var command = dataSource.CreateCommand("""
            select t.target,
                   (select count(*) from outbox.messages m where m.target = t.target and m.status = 'pending'),
                   (select count(*) from outbox.messages m where m.target = t.target and m.status = 'delivered'),
                   (select count(*) from outbox.messages m where m.target = t.target and m.status = 'dead'),
                   o.created_at, extract(epoch from now() - o.created_at)::float8
            from unnest($1::text[]) t(target)
            left join lateral (select m.created_at from outbox.messages m where m.target = t.target and m.status = 'pending'
                               order by m.id limit 1) o on true
            order by t.target
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Targets });
        var result = new List<TargetSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var target = reader.GetString(0);
            result.Add(new TargetSummary(target, configured(target), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetDouble(5)));
        }
        return result;
    }

    public async Task<IReadOnlyList<DeliveryMessage>> ListAsync(MessageFilter f, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            select {MessageColumns} from outbox.messages m
            where ($1::text is null or m.target = $1) and ($2::text is null or m.status = $2)
              and ($3::text is null or m.dataset_id = $3) and ($4::text is null or m.entity_key = $4) and m.id > $5
            order by m.id limit $6
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)f.Target ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)f.Status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)f.Dataset ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)f.EntityKey ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = f.After });
        command.Parameters.Add(new NpgsqlParameter { Value = f.Limit });
        return await ReadMessagesAsync(command, ct);
    }

    public async Task<(DeliveryMessage Message, IReadOnlyList<DeliveryAttempt> Attempts)?> FindAsync(long id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select {MessageColumns} from outbox.messages m where m.id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        if ((await ReadMessagesAsync(command, ct)) is not [var message])
        {
            return null;
        }
        await using var attempts = dataSource.CreateCommand("select at, outcome, status_code, error, duration_ms, worker from outbox.attempts where message_id = $1 order by id");
        attempts.Parameters.Add(new NpgsqlParameter { Value = id });
        var list = new List<DeliveryAttempt>();
        await using var reader = await attempts.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new DeliveryAttempt(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return (message, list);
    }

    /// <summary>
    /// Puts dead-lettered messages back in line with a fresh count of attempts; the rest of their
    /// records' messages, held back behind them, follow once they are delivered. The number replayed.
    /// </summary>
    public async Task<int> ReplayAsync(long? id, string? target, string? dataset, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            with replayed as (
              update outbox.messages m set status = 'pending', attempts = 0, next_attempt_at = now(), finished_at = null, claim = null
              where m.status = 'dead' and ($1::bigint is null or m.id = $1) and ($2::text is null or m.target = $2) and ($3::text is null or m.dataset_id = $3)
              returning m.id, m.last_error
            )
            insert into outbox.attempts (message_id, outcome, error) select id, 'replayed', last_error from replayed
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)id ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)target ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)dataset ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<IReadOnlyList<DeliveryMessage>> ReadMessagesAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var list = new List<DeliveryMessage>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new DeliveryMessage(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetInt32(7), reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9), reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                reader.IsDBNull(11) ? null : reader.GetString(11)));
        }
        return list;
    }
}
