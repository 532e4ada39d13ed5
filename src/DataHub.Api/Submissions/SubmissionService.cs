using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using DataHub.Api.Collections;
using Npgsql;

namespace DataHub.Api.Submissions;

/// <summary>
/// One submission, end to end, in one transaction: claim the idempotency key, stream and check
/// every record, then either write all of it (or, with mode=valid-only, the valid records) or
/// nothing but the record of the refusal.
/// </summary>
public sealed partial class SubmissionService(NpgsqlDataSource dataSource, StructureValidator structures, IConfiguration configuration, ILogger<SubmissionService> logger)
{
    public sealed record Request(Dataset Dataset, Stream Body, bool Ndjson, string IdempotencyKey, bool ValidOnly, string? Crs, string SubmittedBy);

    /// <summary>The outcome: the stored result, and whether it was replayed for a repeated key.</summary>
    public sealed record Outcome(SubmissionStore.Stored Result, bool Replayed);

    private int MaxRecords => configuration.GetValue("Submissions:MaxRecords", 1_000_000);

    public async Task<Outcome> SubmitAsync(Request request, CancellationToken ct)
    {
        if (request.Dataset.Id != "parcels" || !structures.Has("parcels", "v1"))
        {
            throw new SubmissionRefusedException(422, "Submissions not open",
                $"Submissions to '{request.Dataset.Id}' are not open yet; the parcels dataset takes submissions.");
        }
        CrsOf(request.Crs); // refuses an unknown crs parameter before reading anything
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var body = new HashingStream(request.Body, hash);
        var id = Guid.CreateVersion7();

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var writer = new NpgsqlCommand("select set_config('datahub.writer', $1, true)", connection, transaction))
        {
            writer.Parameters.Add(new NpgsqlParameter { Value = $"submission:{id}" });
            await writer.ExecuteNonQueryAsync(ct);
        }

        var mode = request.ValidOnly ? "valid-only" : "all-or-nothing";
        if (!await SubmissionStore.ClaimAsync(connection, transaction, id, request.Dataset.Id, request.IdempotencyKey, mode, request.SubmittedBy, ct))
        {
            await transaction.RollbackAsync(ct);
            return await ReplayAsync(request, body, hash, ct);
        }

        var problems = new ProblemList();
        var reader = new FeatureReader(body, request.Ndjson);
        var received = 0;
        int? srid = null;
        var batch = new ParcelBatch(connection, transaction);
        await batch.CreateStagingAsync(ct);

        async IAsyncEnumerable<StagedParcel> Records([EnumeratorCancellation] CancellationToken token)
        {
            await foreach (var feature in reader.ReadAsync(token))
            {
                var index = received++;
                if (received > MaxRecords)
                {
                    throw new SubmissionRefusedException(413, "Too many records",
                        $"A submission may hold at most {MaxRecords:N0} records; split the batch.");
                }
                srid ??= CrsOf(reader.DeclaredCrs ?? request.Crs);
                var failures = structures.Validate("parcels", "v1", feature);
                if (failures.Count > 0)
                {
                    var fid = feature.ValueKind == System.Text.Json.JsonValueKind.Object && feature.TryGetProperty("id", out var f) ? f.ToString() : null;
                    foreach (var (location, message) in failures)
                    {
                        problems.Add(new SubmissionProblem(index, fid, StructureValidator.Path(location), message));
                    }
                    continue;
                }
                if (ParcelRecords.Read(index, feature, srid.Value, problems) is { } staged)
                {
                    yield return staged;
                }
            }
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await batch.StageAsync(Records(ct), ct);
        var staged = clock.Elapsed;
        if (reader.DeclaredCrs is { } declared && CrsOf(declared) != (srid ?? CrsOf(declared)))
        {
            throw new SubmissionRefusedException(400, "CRS declared too late", "The \"crs\" member must come before \"features\".");
        }
        if (received == 0)
        {
            throw new SubmissionRefusedException(400, "No records", "The submission holds no records.");
        }
        await batch.CheckAsync(problems, ct);
        var checkedAt = clock.Elapsed;
        var digest = Convert.ToHexStringLower(hash.GetHashAndReset());

        ParcelBatch.Counts counts = new(0, 0, 0, 0);
        string status;
        if (problems.Count > 0 && !request.ValidOnly)
        {
            status = "rejected";
        }
        else
        {
            if (problems.Count > 0)
            {
                await batch.DropAsync(problems.Records, ct);
            }
            counts = await batch.MergeAsync(ct);
            status = "applied";
        }
        await SubmissionStore.FinishAsync(connection, transaction, id, status, digest, received, counts, problems.Records.Count, problems, ct);
        await transaction.CommitAsync(ct);
        LogFinished(logger, id, request.Dataset.Id, status, received, staged.TotalSeconds, (checkedAt - staged).TotalSeconds, (clock.Elapsed - checkedAt).TotalSeconds);
        var stored = await SubmissionStore.FindAsync(dataSource, request.Dataset.Id, id, null, ct);
        return new Outcome(stored!, Replayed: false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission {Id} to {Dataset} {Status}: {Received} records; read and staged in {StageSeconds:F1} s, checked in {CheckSeconds:F1} s, merged and committed in {MergeSeconds:F1} s")]
    private static partial void LogFinished(ILogger logger, Guid id, string dataset, string status, int received, double stageSeconds, double checkSeconds, double mergeSeconds);

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
        return new Outcome(stored, Replayed: true);
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
public sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        hash.AppendData(buffer, offset, read);
        return read;
    }
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        hash.AppendData(buffer.Span[..read]);
        return read;
    }
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
