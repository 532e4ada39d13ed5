using System.Text.Json;
using Npgsql;

namespace DataHub.Api.Submissions;

/// <summary>A record that passed its exchange structure, with its index in the batch and the CRS of its geometry.</summary>
public readonly record struct ValidRecord(int Index, JsonElement Feature, int Srid);

/// <summary>What a merge did, by natural key.</summary>
public sealed record BatchCounts(int Inserted, int Updated, int Unchanged, int Retired);

/// <summary>
/// One dataset's part of a submission, inside the submission's transaction: stage the records
/// (binary COPY into a temporary table), check them together in SQL, drop the ones with
/// problems (mode=valid-only), merge the rest by natural key. Reading, structure validation,
/// idempotency and the async path are the same for every dataset (<see cref="SubmissionService"/>).
/// </summary>
public interface IRecordBatch
{
    Task CreateStagingAsync(CancellationToken ct);

    /// <summary>Stages the records; a record the dataset cannot read is reported to <paramref name="problems"/> and left out.</summary>
    Task<ulong> StageAsync(IAsyncEnumerable<ValidRecord> records, ProblemList problems, CancellationToken ct);

    /// <summary>The checks that need the database or the whole batch; every problem names its record and field.</summary>
    Task CheckAsync(ProblemList problems, CancellationToken ct);

    /// <summary>Drops the records that have problems (mode=valid-only).</summary>
    Task DropAsync(IReadOnlySet<int> records, CancellationToken ct);

    Task<BatchCounts> MergeAsync(CancellationToken ct);
}

/// <summary>The datasets that take submissions, each with its batch.</summary>
public static class RecordBatches
{
    private static readonly Dictionary<string, Func<NpgsqlConnection, NpgsqlTransaction, IRecordBatch>> Open = new()
    {
        ["parcels"] = (c, t) => new ParcelBatch(c, t),
        ["land-statistics"] = (c, t) => new StatisticsBatch(c, t),
    };

    public static IReadOnlyCollection<string> Datasets => Open.Keys;

    public static bool TakesSubmissions(string dataset) => Open.ContainsKey(dataset);

    public static IRecordBatch For(string dataset, NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        Open.TryGetValue(dataset, out var create) ? create(connection, transaction)
            : throw new InvalidOperationException($"dataset '{dataset}' takes no submissions");
}
