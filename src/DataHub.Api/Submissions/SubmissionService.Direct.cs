using Npgsql;

namespace DataHub.Api.Submissions;

public sealed partial class SubmissionService
{
    /// <summary>Every row this transaction writes records the submission as its writer (history, change feed).</summary>
    private static Task SetWriterAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, CancellationToken ct) =>
        BatchSql.ExecuteAsync(connection, transaction, "select set_config('datahub.writer', $1, true)", ct, $"submission:{id}");

    /// <summary>
    /// A stored all-or-nothing parcels submission, the short way (<see cref="ParcelDirectWrite"/>):
    /// true when it was applied so; false when it went back to the savepoint and must go the
    /// staged way, having written nothing. A body that cannot be read at all is refused here as
    /// it would be there.
    /// </summary>
    private async Task<bool> TryDirectAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, string structure,
        bool ndjson, string? crs, Task<string> digest, ProgressWriter progress, Stream body, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await SetWriterAsync(connection, transaction, id, ct);
        await BatchSql.ExecuteAsync(connection, transaction, "savepoint direct_write", ct);
        var problems = new ProblemList();
        var read = new ReadCount();
        int written;
        try
        {
            var direct = await ParcelDirectWrite.LoadAsync(connection, transaction, ct);
            var reader = new FeatureReader(body, ndjson);
            await using (var records = RecordsAsync(reader, "parcels", structure, crs, r => direct.Prepare(r, problems), problems, progress, read, ct).GetAsyncEnumerator(ct))
            {
                written = await direct.WriteAsync(connection, transaction, records, problems, ct);
            }
            read.CheckEnd(reader);
        }
        catch (Exception e) when (e is ParcelDirectWrite.AbandonedException || (e is PostgresException p && (p.SqlState.StartsWith("23", StringComparison.Ordinal) || p.SqlState.StartsWith("22", StringComparison.Ordinal))))
        {
            // Not a batch this way can take (or a key already there): back to before it, and the staged way.
            await BatchSql.ExecuteAsync(connection, transaction, "rollback to savepoint direct_write", ct);
            await progress.ReportAsync(0, ct);
            LogStaged(logger, id, e.Message);
            return false;
        }
        await BatchSql.ExecuteAsync(connection, transaction, "release savepoint direct_write", ct);
        // A body still being received: its row can be written once the request has stored it whole.
        await SubmissionStore.FinishAsync(connection, transaction, id, "applied", await digest, read.Received, new BatchCounts(written, 0, 0, 0), 0, problems, ct);
        LogDirect(logger, id, read.Received, clock.Elapsed.TotalSeconds);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission {Id} to parcels applied: {Received} records, all new; read, checked and copied into the land tables in {Seconds:F1} s")]
    private static partial void LogDirect(ILogger logger, Guid id, int received, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission {Id} goes the staged way: {Reason}")]
    private static partial void LogStaged(ILogger logger, Guid id, string reason);
}
