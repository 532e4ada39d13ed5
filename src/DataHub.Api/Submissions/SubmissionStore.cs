using DataHub.Api.Infrastructure.Database;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.Submissions;

/// <summary>The submissions.submissions rows: claimed by idempotency key, finished with the data in one transaction.</summary>
public static class SubmissionStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Claims the key for a new submission. Returns false when the key is taken: a concurrent
    /// request with the same key waits here on the unique index until the first one ends.
    /// </summary>
    public static async Task<bool> ClaimAsync(NpgsqlConnection c, NpgsqlTransaction t, Guid id, SubmissionService.Request r, string status, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            insert into submissions.submissions (id, dataset_id, idempotency_key, status, mode, submitted_by, ndjson, structure, crs)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            on conflict (dataset_id, idempotency_key) do nothing
            returning id
            """, c, t);
        object?[] values = [id, r.Dataset.Id, r.IdempotencyKey, status, r.Mode, r.SubmittedBy, r.Ndjson, r.Structure];
        command.AddValues(values);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)r.Crs ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    public const int ChunkBytes = 1 << 20;

    // The body has served its purpose once the submission has ended: the data, its history and
    // the problems are kept, the raw bytes are not.
    private static async Task DeleteBodyAsync(NpgsqlConnection c, NpgsqlTransaction? t, Guid id, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("delete from submissions.bodies where submission_id = $1", c, t);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Stores the body in 1 MB chunks as it arrives (never the whole body in memory).</summary>
    public static async Task<long> SaveBodyAsync(NpgsqlConnection c, NpgsqlTransaction t, Guid id, Stream body, ReceivingBody? alsoTo, CancellationToken ct)
    {
        var buffer = new byte[ChunkBytes];
        long total = 0;
        for (var seq = 0; ; seq++)
        {
            var filled = 0;
            int read;
            while (filled < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(filled), ct)) > 0)
            {
                filled += read;
            }
            if (filled == 0)
            {
                alsoTo?.Ended();
                return total;
            }
            await using var command = new NpgsqlCommand("insert into submissions.bodies (submission_id, seq, chunk) values ($1, $2, $3)", c, t);
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            command.Parameters.Add(new NpgsqlParameter { Value = seq });
            command.Parameters.Add(new NpgsqlParameter { Value = new ReadOnlyMemory<byte>(buffer, 0, filled), NpgsqlDbType = NpgsqlDbType.Bytea });
            await command.ExecuteNonQueryAsync(ct);
            alsoTo?.Offer(buffer.AsSpan(0, filled));
            total += filled;
            if (filled < buffer.Length)
            {
                alsoTo?.Ended();
                return total;
            }
        }
    }

    public static async Task SetBodyAsync(NpgsqlConnection c, NpgsqlTransaction t, Guid id, string sha256, long bytes, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("update submissions.submissions set body_sha256 = $2, body_bytes = $3 where id = $1", c, t);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = sha256 });
        command.Parameters.Add(new NpgsqlParameter { Value = bytes });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The oldest waiting submission, locked for this transaction; others skip it, and it skips one
    /// the hub still receiving it is applying (that hub holds its advisory lock from before the
    /// submission could be seen: schemas/sql/0109_applied_while_received.sql).
    /// </summary>
    public static async Task<(Guid Id, string Dataset, string Structure, bool Ndjson, string? Crs, bool ValidOnly, string Digest)?> ClaimWaitingAsync(
        NpgsqlConnection c, NpgsqlTransaction t, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            select id, dataset_id, structure, ndjson, crs, mode = 'valid-only', body_sha256
            from submissions.submissions
            where status = 'received' and not submissions.being_applied(id)
            order by received_at
            limit 1
            for no key update skip locked
            """, c, t);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        return (reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.GetBoolean(5), reader.GetString(6));
    }

    public static async Task<int> CountAttemptAsync(NpgsqlDataSource dataSource, Guid id, string error, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "update submissions.submissions set attempts = attempts + 1, last_error = $2 where id = $1 returning attempts");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = error });
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A waiting submission whose body cannot be used at all ends rejected with that one reason.</summary>
    public static async Task RejectWholeAsync(NpgsqlDataSource dataSource, Guid id, string reason, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            update submissions.submissions
            set status = 'rejected', problem_count = 1, finished_at = clock_timestamp(),
                problems = jsonb_build_array(jsonb_build_object('record', -1, 'id', null, 'path', '', 'message', $2::text))
            where id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = reason });
        await command.ExecuteNonQueryAsync(ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await DeleteBodyAsync(connection, null, id, ct);
    }

    public static async Task FinishAsync(NpgsqlConnection c, NpgsqlTransaction t, Guid id, string status, string bodySha256,
        int received, BatchCounts counts, int rejected, ProblemList problems, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            update submissions.submissions set status = $2, body_sha256 = $3, received = $4, inserted = $5, updated = $6,
              unchanged = $7, retired = $8, rejected = $9, problem_count = $10, problems = $11, finished_at = clock_timestamp()
            where id = $1
            """, c, t);
        object[] values = [id, status, bodySha256, received, counts.Inserted, counts.Updated, counts.Unchanged, counts.Retired, rejected, problems.Count];
        command.AddValues(values);
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(problems.Ordered(), Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(ct);
        await DeleteBodyAsync(c, t, id, ct);
    }

    public sealed record Stored(Guid Id, string Dataset, string Status, string Mode, string? BodySha256, int Received, int Inserted,
        int Updated, int Unchanged, int Retired, int Rejected, int ProblemCount, IReadOnlyList<SubmissionProblem> Problems,
        DateTimeOffset ReceivedAt, DateTimeOffset? FinishedAt, int? Progress, string Structure, bool Ndjson, string? Crs);

    public static async Task<Stored?> FindAsync(NpgsqlDataSource dataSource, string dataset, Guid? id, string? key, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select id, dataset_id, status, mode, body_sha256, received, inserted, updated, unchanged, retired, rejected,
                   problem_count, problems::text, received_at, finished_at,
                   (select p.records from submissions.progress p where p.submission_id = s.id), structure, ndjson, crs
            from submissions.submissions s
            where dataset_id = $1 and (id = $2 or idempotency_key = $3)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = dataset });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)key ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        return new Stored(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7),
            reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10), reader.GetInt32(11),
            JsonSerializer.Deserialize<List<SubmissionProblem>>(reader.GetString(12), Json) ?? [],
            reader.GetFieldValue<DateTimeOffset>(13), reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14),
            reader.IsDBNull(15) ? null : reader.GetInt32(15), reader.GetString(16), reader.GetBoolean(17),
            reader.IsDBNull(18) ? null : reader.GetString(18));
    }
}
