using System.Threading.Channels;
using System.Security.Cryptography;
using DataHub.Api.Collections;
using DataHub.Api.Infrastructure.Api;
using Microsoft.Extensions.Options;
using Npgsql;
using DataHub.Api.Infrastructure.Scheduling;

namespace DataHub.Api.Submissions;

/// <summary>
/// One submission, end to end, in one transaction: claim the idempotency key, stream and check
/// every record, then either write all of it (or, with mode=valid-only, the valid records) or
/// nothing but the record of the refusal.
/// </summary>
public sealed partial class SubmissionService(NpgsqlDataSource dataSource, StructureValidator structures, Wakeup<SubmissionWorker> signal, Endings<SubmissionWorker> endings, IOptions<SubmissionSettings> settings, IHostApplicationLifetime lifetime, ILogger<SubmissionService> logger)
{
    /// <summary>A submission as received; <paramref name="Structure"/> is the exchange structure version its records follow (null: the dataset's newest accepted).</summary>
    public sealed record Request(Dataset Dataset, Stream Body, bool Ndjson, string IdempotencyKey, bool ValidOnly, string? Crs, string SubmittedBy, string? Structure = null)
    {
        /// <summary>The mode as stored and answered: all-or-nothing or valid-only.</summary>
        public string Mode => ValidOnly ? "valid-only" : "all-or-nothing";
    }

    /// <summary>The outcome: the stored result, and whether it was replayed for a repeated key.</summary>
    public sealed record Outcome(SubmissionStore.Stored Result, bool Replayed);

    private const int MaxAttempts = 3;

    /// <summary>Work this service runs beyond a request (a submission applied while received) stops with the hub.</summary>
    private CancellationToken stopping => lifetime.ApplicationStopping;

    private int MaxRecords => settings.Value.MaxRecords;

    /// <summary>Records staged (and committed) at a time, each chunk merged while the next is staged.</summary>
    private int ChunkRecords => settings.Value.ChunkRecords;

    /// <summary>Refuses what can be refused before reading the body; returns the request with its structure version settled.</summary>
    private Request Precheck(Request request)
    {
        var dataset = request.Dataset.Id;
        var accepted = RecordBatches.Structures(dataset);
        if (accepted.Count == 0 || !structures.Has(dataset, accepted[^1]))
        {
            throw new SubmissionRefusedException(422, "Submissions not open",
                $"Submissions to '{dataset}' are not open; these datasets take submissions: {string.Join(", ", RecordBatches.Datasets)}.");
        }
        var structure = request.Structure ?? accepted[^1];
        var expected = $"{accepted[^1]} (/api/v1/schemas/{dataset}/{accepted[^1]})";
        if (!structures.Has(dataset, structure))
        {
            throw new SubmissionRefusedException(400, "Unknown exchange structure",
                $"'{dataset}' has no exchange structure '{structure}'; submissions to it follow {expected}. The published ones are listed at /api/v1/schemas.");
        }
        if (!accepted.Contains(structure))
        {
            throw new SubmissionRefusedException(422, "Exchange structure not accepted for submissions",
                $"Submissions to '{dataset}' follow exchange structure {expected}, not {structure}"
                + (RecordBatches.WhyNotOlder(dataset) is { } why ? $": {why}." : ".") + " Nothing was written.");
        }
        CrsOf(request.Crs); // refuses an unknown crs parameter before reading anything
        return request with { Structure = structure };
    }

    /// <summary>The whole submission within the request: read, check, apply, answer.</summary>
    public async Task<Outcome> SubmitAsync(Request request, CancellationToken ct)
    {
        request = Precheck(request);
        Guid? staged = null;
        try
        {
            return await ClaimThenAsync(request, "processing", (connection, transaction, id, body, digest) =>
            {
                staged = id;
                return ApplyAsync(connection, transaction, id, request.Dataset.Id, request.Structure!, body, request.Ndjson, request.Crs, request.ValidOnly, digest, null, ct);
            }, ct);
        }
        finally
        {
            if (staged is { } id)
            {
                await DropStagingAsync(id);
            }
        }
    }

    /// <summary>
    /// Drops a submission's staging schema once its transaction has ended, whatever the outcome.
    /// Not cancellable: the request may have been aborted. A schema left behind (the hub was
    /// killed, the database went away) is swept by the worker.
    /// </summary>
    private async Task DropStagingAsync(Guid id)
    {
        try
        {
            await SubmissionStaging.DropAsync(dataSource, id, CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            LogStagingNotDropped(logger, id, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The staging schema of submission {Id} could not be dropped now; the worker sweeps it later")]
    private static partial void LogStagingNotDropped(ILogger logger, Guid id, Exception exception);

    /// <summary>
    /// A large submission: keep the body, commit, answer 202; <see cref="ProcessNextAsync"/>
    /// applies it later. Nothing is applied twice: the body is stored once per idempotency key.
    /// An all-or-nothing parcels batch is applied meanwhile, from its first chunk, by this hub
    /// (<see cref="ApplyWhileReceivedAsync"/>), when it is not already applying one that way.
    /// </summary>
    public async Task<Outcome> AcceptAsync(Request request, CancellationToken ct)
    {
        request = Precheck(request);
        var early = settings.Value.ApplyWhileReceiving && request.Dataset.Id == "parcels" && !request.ValidOnly
            && Interlocked.CompareExchange(ref applyingWhileReceived, 1, 0) == 0;
        ReceivingBody? receiving = null;
        Task? applying = null;
        var started = false;
        try
        {
            var outcome = await ClaimThenAsync(request, "received", async (connection, transaction, id, body, digest) =>
            {
                if (early)
                {
                    started = true;
                    (receiving, applying) = await StartApplyingAsync(request, id);
                }
                var bytes = await SubmissionStore.SaveBodyAsync(connection, transaction, id, body, receiving, ct);
                await SubmissionStore.SetBodyAsync(connection, transaction, id, digest(), bytes, ct);
            }, ct);
            if (outcome.Replayed)
            {
                return outcome;
            }
            if (receiving is null)
            {
                signal.Notify();
            }
            else
            {
                receiving.Committed(outcome.Result.BodySha256!);
            }
            return outcome;
        }
        catch (Exception e)
        {
            // Nothing was stored: the apply begun meanwhile rolls back, and has by the time this is answered.
            receiving?.NotStored(e);
            if (applying is not null)
            {
                await applying;
            }
            throw;
        }
        finally
        {
            if (early && !started)
            {
                Volatile.Write(ref applyingWhileReceived, 0); // not started (a replayed key, a refusal before storing)
            }
        }
    }

    /// <summary>1 while this hub applies a submission as it receives it: one at a time, besides the worker's.</summary>
    private int applyingWhileReceived;

    /// <summary>
    /// Opens the transaction that applies <paramref name="id"/> while its body is received, and
    /// holds its advisory lock (workers pass over it: schemas/sql/0109_applied_while_received.sql)
    /// before the storing transaction can commit; returns the body to hand the chunks to, and the
    /// apply. Nulls when that cannot be done now (the worker then takes the submission as usual);
    /// the apply's own end frees the one place.
    /// </summary>
    private async Task<(ReceivingBody?, Task?)> StartApplyingAsync(Request request, Guid id)
    {
        var locked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var body = new ReceivingBody(dataSource, id);
        // It ends by itself whatever happens (it logs any fault), so awaiting it never throws.
        var applying = Task.Run(() => ApplyWhileReceivedAsync(request, id, body, locked));
        try
        {
            await locked.Task;
            return (body, applying);
        }
        catch (Exception e)
        {
            // Whatever stopped it, the request goes on: its submission waits for the worker.
            LogNotAppliedWhileReceived(logger, id, e);
            await applying;
            return (null, null);
        }
    }

    /// <summary>
    /// The worker's work (<see cref="ApplyClaimedAsync"/>) on a submission still being received:
    /// its records are read as the request stores them, and nothing is committed before the
    /// storing transaction has. If that transaction does not commit, this rolls back and there
    /// is nothing to take up; if this fails or the hub stops, the submission waits, stored, for a worker.
    /// </summary>
    private async Task ApplyWhileReceivedAsync(Request request, Guid id, ReceivingBody body, TaskCompletionSource locked)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(stopping);
            await using var transaction = await connection.BeginTransactionAsync(stopping);
            await BatchSql.ExecuteAsync(connection, transaction, "select pg_advisory_xact_lock(submissions.apply_lock_key($1))", stopping, id);
            locked.SetResult();
            LogAppliedWhileReceived(logger, id);
            await ApplyClaimedAsync(connection, transaction, new Waiting(id, request.Dataset.Id, request.Structure!, request.Ndjson, request.Crs, request.ValidOnly, body.Stored),
                body, stopping);
        }
        catch (Exception e) when (!locked.Task.IsCompleted)
        {
            locked.SetException(e);
        }
        catch (OperationCanceledException) when (!body.Stored.IsCompletedSuccessfully || stopping.IsCancellationRequested)
        {
            // The body was not stored (nothing to apply), or the hub is stopping (the next start's worker applies it).
        }
        catch (Exception e)
        {
            // No request waits for this work: whatever stopped it is logged here, and the stored
            // submission waits for the worker (notified below).
            LogNotAppliedWhileReceived(logger, id, e);
        }
        finally
        {
            await body.DisposeAsync();
            Volatile.Write(ref applyingWhileReceived, 0);
            if (body.Stored.IsCompletedSuccessfully)
            {
                signal.Notify(); // ended, and if not applied (a fault), the worker takes it up now
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission {Id} is applied while it is received")]
    private static partial void LogAppliedWhileReceived(ILogger logger, Guid id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Submission {Id} could not be applied while it was received; the worker applies it")]
    private static partial void LogNotAppliedWhileReceived(ILogger logger, Guid id, Exception exception);

    /// <summary>
    /// Claims the idempotency key in a new transaction and runs <paramref name="work"/> over the
    /// (hashed) body; a key already used is answered from the earlier submission instead.
    /// </summary>
    private async Task<Outcome> ClaimThenAsync(Request request, string status,
        Func<NpgsqlConnection, NpgsqlTransaction, Guid, Stream, Func<string>, Task> work, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var body = new HashingStream(request.Body, hash);
        var id = Guid.CreateVersion7();

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (!await SubmissionStore.ClaimAsync(connection, transaction, id, request, status, ct))
        {
            await transaction.RollbackAsync(ct);
            return await ReplayAsync(request, body, hash, ct);
        }
        await work(connection, transaction, id, body, () => Convert.ToHexStringLower(hash.GetHashAndReset()));
        await transaction.CommitAsync(ct);
        return new Outcome((await SubmissionStore.FindAsync(dataSource, request.Dataset.Id, id, null, ct))!, Replayed: false);
    }

    /// <summary>
    /// Applies the oldest waiting submission, if any, in one transaction that also holds its row
    /// (FOR NO KEY UPDATE SKIP LOCKED: several hub processes never take the same one).
    /// </summary>
    public async Task<bool> ProcessNextAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var waiting = await SubmissionStore.ClaimWaitingAsync(connection, transaction, ct);
        if (waiting is null)
        {
            return false;
        }
        var (id, dataset, structure, ndjson, crs, validOnly, digest) = waiting.Value;
        await using var body = new StoredBodyStream(dataSource, id);
        await ApplyClaimedAsync(connection, transaction, new Waiting(id, dataset, structure, ndjson, crs, validOnly, Task.FromResult(digest)), body, ct);
        return true;
    }

    /// <summary>A stored submission to apply; <paramref name="Sha256"/> completes once its body is stored whole.</summary>
    private sealed record Waiting(Guid Id, string Dataset, string Structure, bool Ndjson, string? Crs, bool ValidOnly, Task<string> Sha256);

    /// <summary>
    /// Applies a stored submission in <paramref name="transaction"/>, which commits it: the short
    /// way first, reading <paramref name="body"/>, then if need be the staged way over the stored
    /// body. A body that cannot be used at all ends the submission rejected; a database fault is
    /// counted, and after a few the submission ends rejected too.
    /// </summary>
    private async Task ApplyClaimedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Waiting w, Stream body, CancellationToken ct)
    {
        var id = w.Id;
        await using var progress = new ProgressWriter(dataSource, id);
        await progress.ReportAsync(0, ct); // a hub killed during an earlier attempt left its count behind
        await SubmissionStaging.DropAsync(dataSource, id, ct); // and maybe its staged rows
        try
        {
            // The stored body can be read twice: first the short way, if the batch may take it.
            if (w.Dataset != "parcels" || w.ValidOnly || !await TryDirectAsync(connection, transaction, id, w.Structure, w.Ndjson, w.Crs, w.Sha256, progress, body, ct))
            {
                await body.DisposeAsync(); // its connection is not kept through the staged way
                var digest = await w.Sha256; // the stored body whole, and visible
                await using var stored = new StoredBodyStream(dataSource, id);
                await ApplyAsync(connection, transaction, id, w.Dataset, w.Structure, stored, w.Ndjson, w.Crs, w.ValidOnly, () => digest, progress, ct);
            }
            await transaction.CommitAsync(ct);
        }
        catch (Exception e) when (e is SubmissionRefusedException or MalformedBodyException)
        {
            // The body itself is unusable: no retry can help, so the submission ends rejected, saying why.
            // A body still being received is waited for first, the submission's lock still held.
            await w.Sha256;
            await transaction.RollbackAsync(ct);
            await SubmissionStore.RejectWholeAsync(dataSource, id, e.Message, ct);
        }
        catch (PostgresException e)
        {
            // Something the checks did not foresee: try again a few times, then give up saying why.
            // (An internal error, XX000, as PostGIS reports its own, has closed the connection and
            // ended its transaction already: rolling back would throw and skip the count.)
            await w.Sha256;
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await transaction.RollbackAsync(ct);
            }
            if (await SubmissionStore.CountAttemptAsync(dataSource, id, e.MessageText, ct) >= MaxAttempts)
            {
                await SubmissionStore.RejectWholeAsync(dataSource, id, $"The submission could not be applied: {e.MessageText}", ct);
            }
        }
        finally
        {
            await transaction.DisposeAsync(); // ended (committed or rolled back) before its staging goes
            await DropStagingAsync(id);
            endings.Ended(); // status requests waiting for it (Prefer: wait) look now
        }
    }

    /// <summary>Drops staging left behind by submissions that ended without dropping theirs (see <see cref="SubmissionStaging"/>).</summary>
    public Task<int> SweepStagingAsync(CancellationToken ct) => SubmissionStaging.SweepAsync(dataSource, ct);

    private async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, string dataset, string structure, Stream body,
        bool ndjson, string? crs, bool validOnly, Func<string> digestOf, ProgressWriter? progress, CancellationToken ct)
    {
        await SetWriterAsync(connection, transaction, id, ct);
        var problems = new ProblemList();
        var reader = new FeatureReader(body, ndjson);
        var read = new ReadCount();
        // Staged through a second connection, so that checking and merging can overlap (SubmissionStaging).
        await SubmissionStaging.ReserveAsync(connection, transaction, id, ct);
        await using var staging = await SubmissionStaging.OpenAsync(dataSource, id, ct);
        var batch = RecordBatches.For(dataset, connection, transaction);
        // The dataset's batch in the staging transaction open now: each chunk commits and begins
        // another, so whatever writes or checks takes it afresh.
        IRecordBatch Staged() => RecordBatches.For(dataset, staging.Connection, staging.Transaction);
        var stager = Staged(); // prepares records on the checking threads (no database work)
        await stager.CreateStagingAsync(ct);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        // An all-or-nothing submission is merged chunk by chunk in its own transaction, after a
        // savepoint, while the next chunk is staged and, at the end, while the staging connection
        // runs the SQL checks over the whole batch: most submissions are valid, and the stages then
        // overlap on two cores instead of following each other (docs/performance.md, ingest). A
        // problem found rolls the merge back to the savepoint, a merge that failed because of it
        // (a key repeated in the batch, say) included. Valid-only submissions are checked first:
        // what they merge depends on the problems.
        var committed = Channel.CreateUnbounded<int>();
        var merged = validOnly ? null : MergeChunksAsync(connection, transaction, batch, staging.Schema, committed.Reader, problems, ct);
        TimeSpan staged, checkedIn;
        try
        {
            await using (var source = RecordsAsync(reader, dataset, structure, crs, r => stager.Prepare(r, problems), problems, progress, read, ct).GetAsyncEnumerator(ct))
            {
                var more = true;
                while (more)
                {
                    more = false;
                    await staging.AddChunkAsync(stager.StagingTable, ct);
                    await Staged().StageAsync(Take(source, ChunkRecords, () => more = true), problems, ct);
                    committed.Writer.TryWrite(await staging.CommitChunkAsync(ct));
                }
            }
            committed.Writer.Complete();
            staged = clock.Elapsed;
            read.CheckEnd(reader);
            await Staged().CheckAsync(problems, ct);
            await staging.Transaction.CommitAsync(ct);
            checkedIn = clock.Elapsed - staged;
        }
        finally
        {
            committed.Writer.TryComplete();
            if (merged is not null)
            {
                await merged.ContinueWith(_ => { }, TaskScheduler.Default); // the connection is free again before anything else uses it
            }
        }

        var counts = new BatchCounts(0, 0, 0, 0);
        string status;
        if (problems.Count > 0 && !validOnly)
        {
            if (merged is not null)
            {
                await BatchSql.ExecuteAsync(connection, transaction, "rollback to savepoint speculative_merge", ct);
            }
            status = "rejected";
        }
        else
        {
            if (merged is not null)
            {
                counts = await merged; // a failure the checks did not explain is the submission's failure
                await BatchSql.ExecuteAsync(connection, transaction, "release savepoint speculative_merge", ct);
            }
            else
            {
                if (problems.Count > 0)
                {
                    await batch.DropAsync(problems.Records, ct);
                }
                counts = await batch.MergeAsync(ct);
            }
            status = "applied";
        }
        await SubmissionStore.FinishAsync(connection, transaction, id, status, digestOf(), read.Received, counts, problems.Records.Count, problems, ct);
        LogFinished(logger, id, dataset, status, read.Received, staged.TotalSeconds, checkedIn.TotalSeconds, (clock.Elapsed - staged).TotalSeconds);
    }

    /// <summary>
    /// Merges each chunk once its staging has committed, after a savepoint, so that the whole
    /// merge can be rolled back if a problem is found meanwhile. The batch's SQL names its staging
    /// table; in this transaction that name is made, chunk by chunk, a view of the chunk's
    /// partition. Never of the partitioned table: a lock on it, held to the end of this
    /// transaction, would stop the staging connection adding the next chunk's partition.
    /// </summary>
    private static async Task<BatchCounts> MergeChunksAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IRecordBatch batch, string schema,
        ChannelReader<int> committed, ProblemList problems, CancellationToken ct)
    {
        await BatchSql.ExecuteAsync(connection, transaction, "savepoint speculative_merge", ct);
        var total = new BatchCounts(0, 0, 0, 0);
        await foreach (var chunk in committed.ReadAllAsync(ct))
        {
            if (problems.Count > 0)
            {
                continue; // the submission will be refused: merging more would be undone anyway
            }
            await BatchSql.ExecuteAsync(connection, transaction,
                $"create or replace temp view {batch.StagingTable} as select * from {schema}.{batch.StagingTable}_{chunk}", ct);
            total += await batch.MergeAsync(ct);
        }
        await BatchSql.ExecuteAsync(connection, transaction, $"drop view if exists pg_temp.{batch.StagingTable}", ct);
        return total;
    }

    /// <summary>The next <paramref name="count"/> records of <paramref name="source"/>; calls <paramref name="more"/> if it stopped at the count.</summary>
    private static async IAsyncEnumerable<ValidRecord> Take(IAsyncEnumerator<ValidRecord> source, int count, Action more)
    {
        for (var i = 0; i < count; i++)
        {
            if (!await source.MoveNextAsync())
            {
                yield break;
            }
            yield return source.Current;
        }
        more();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission {Id} to {Dataset} {Status}: {Received} records; read and staged in {StageSeconds:F1} s, checked in {CheckSeconds:F1} s, checked and merged in {FinishSeconds:F1} s")]
    private static partial void LogFinished(ILogger logger, Guid id, string dataset, string status, int received, double stageSeconds, double checkSeconds, double finishSeconds);

    // A fault passed through a channel arrives wrapped; the caller wants the original (a malformed body is a 400).
    private static Exception? Unwrap(Exception? e) => e is ChannelClosedException { InnerException: { } inner } ? Unwrap(inner) : e;

    /// <summary>A key seen before: the same body gets the same answer again, another body is a conflict.</summary>
    private async Task<Outcome> ReplayAsync(Request request, HashingStream body, IncrementalHash hash, CancellationToken ct)
    {
        await body.CopyToAsync(Stream.Null, ct);
        var digest = Convert.ToHexStringLower(hash.GetHashAndReset());
        var stored = await SubmissionStore.FindAsync(dataSource, request.Dataset.Id, null, request.IdempotencyKey, ct)
            ?? throw new InvalidOperationException("an idempotency key was taken but its submission is not visible");
        if (stored.BodySha256 != digest)
        {
            throw new SubmissionRefusedException(409, "Idempotency key reused",
                $"The Idempotency-Key '{request.IdempotencyKey}' was used for submission {stored.Id} with a different body; nothing was written. Use a new key for a new batch.");
        }
        if (OtherwiseAsked(stored, request) is { Count: > 0 } differences)
        {
            throw new SubmissionRefusedException(409, "Idempotency key reused",
                $"The Idempotency-Key '{request.IdempotencyKey}' was used for submission {stored.Id} with the same body but {string.Join(", ", differences)}; nothing was written. "
                + "Use a new key to submit the batch that way.");
        }
        return new Outcome(stored, Replayed: true);
    }

    // The same bytes asked for differently are another request: replaying the first answer would
    // tell a client retrying with mode=valid-only that its all-or-nothing rejection still stands.
    private static List<string> OtherwiseAsked(SubmissionStore.Stored stored, Request request)
    {
        var differences = new List<string>();
        if (stored.Mode != request.Mode)
        {
            differences.Add($"mode={stored.Mode} (this request: {request.Mode})");
        }
        if (stored.Structure != request.Structure)
        {
            differences.Add($"structure={stored.Structure} (this request: {request.Structure})");
        }
        if (CrsOf(stored.Crs) != CrsOf(request.Crs))
        {
            differences.Add($"crs={stored.Crs ?? "the default, WGS 84"} (this request: {request.Crs ?? "the default, WGS 84"})");
        }
        if (stored.Ndjson != request.Ndjson)
        {
            differences.Add($"Content-Type {(stored.Ndjson ? "application/x-ndjson" : "JSON")} (this request: {(request.Ndjson ? "application/x-ndjson" : "JSON")})");
        }
        return differences;
    }

    /// <summary>VN-2000 / TM-3 106-15 or WGS 84 (the default, RFC 7946); any other CRS is refused.</summary>
    public static int CrsOf(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return 4326;
        }
        var n = name.Trim().ToUpperInvariant();
        if (n.EndsWith("EPSG::9212", StringComparison.Ordinal) || n == "EPSG:9212" || n.EndsWith("/EPSG/0/9212", StringComparison.Ordinal))
        {
            return 9212;
        }
        if (n.EndsWith("CRS84", StringComparison.Ordinal) || n.EndsWith("EPSG::4326", StringComparison.Ordinal) || n == "EPSG:4326"
            || n.EndsWith("/EPSG/0/4326", StringComparison.Ordinal))
        {
            return 4326;
        }
        throw new SubmissionRefusedException(400, "CRS not accepted",
            $"The declared CRS '{name}' is not accepted: send VN-2000 / TM-3 106-15 (urn:ogc:def:crs:EPSG::9212) or WGS 84 (CRS84, the GeoJSON default).");
    }
}

/// <summary>Passes a stream through while hashing every byte read: the body's digest without keeping the body.</summary>
public sealed class HashingStream(Stream inner, IncrementalHash hash) : ForwardOnlyStream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        hash.AppendData(buffer.Span[..read]);
        return read;
    }
}
