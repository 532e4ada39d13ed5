using System.Text.Json;
using Npgsql;

namespace DataHub.Api.Submissions;

/// <summary>
/// A record that passed its exchange structure, with its index in the batch, the CRS of its
/// geometry and, once its batch has prepared it (<see cref="IRecordBatch.Prepare"/>), the row to stage.
/// </summary>
public readonly record struct ValidRecord(int Index, JsonElement Feature, int Srid, object? Row = null);

/// <summary>What a merge did, by natural key.</summary>
public sealed record BatchCounts(int Inserted, int Updated, int Unchanged, int Retired)
{
    public static BatchCounts operator +(BatchCounts a, BatchCounts b) =>
        new(a.Inserted + b.Inserted, a.Updated + b.Updated, a.Unchanged + b.Unchanged, a.Retired + b.Retired);
}

/// <summary>
/// One dataset's part of a submission: stage the records (binary COPY into an unlogged table of
/// the submission's staging schema, named without the schema: <see cref="SubmissionStaging"/>),
/// check them together in SQL, drop the ones with problems (mode=valid-only), merge the rest by
/// natural key. Staging and checking run on the staging connection, dropping and merging in the
/// submission's transaction, the merge possibly while the checks run: so the checks only read, and
/// staging leaves the rows as they are merged (in the stored CRS). Reading, structure validation,
/// idempotency and the async path are the same for every dataset (<see cref="SubmissionService"/>).
/// </summary>
public interface IRecordBatch
{
    /// <summary>The staging table's name (without the staging schema); it has a <see cref="BatchSql.ChunkColumn"/> and is partitioned by it.</summary>
    string StagingTable { get; }

    /// <summary>Creates the staging table (unlogged; its partitions without autovacuum: they live for one submission).</summary>
    Task CreateStagingAsync(CancellationToken ct);

    /// <summary>
    /// Turns a record that passed its exchange structure into the row to stage, or null when it
    /// has problems (reported to <paramref name="problems"/>). Called on the checking threads,
    /// several at once, so that the single COPY stream only writes; by default the record is read
    /// while staging.
    /// </summary>
    ValidRecord? Prepare(ValidRecord record, ProblemList problems) => record;

    /// <summary>Stages the records; a record the dataset cannot read is reported to <paramref name="problems"/> and left out.</summary>
    Task<ulong> StageAsync(IAsyncEnumerable<ValidRecord> records, ProblemList problems, CancellationToken ct);

    /// <summary>The checks that need the database or the whole batch; every problem names its record and field.</summary>
    Task CheckAsync(ProblemList problems, CancellationToken ct);

    /// <summary>Drops the records that have problems (mode=valid-only).</summary>
    Task DropAsync(IReadOnlySet<int> records, CancellationToken ct);

    /// <summary>
    /// Merges the staged rows; called once per chunk when the staging table is seen through a view
    /// of one chunk, so what it creates for itself it first drops if there.
    /// </summary>
    Task<BatchCounts> MergeAsync(CancellationToken ct);
}

/// <summary>
/// The datasets that take submissions, each with its batch and the exchange structure versions it
/// reads (newest last: the default when a submission names none). Planning and price zones take
/// only v2: v1 has no zone_code, so a v1 record could not say which zone it updates.
/// </summary>
public static class RecordBatches
{
    private sealed record Entry(string[] Structures, Func<NpgsqlConnection, NpgsqlTransaction, IRecordBatch> Open, string? OlderStructures = null);

    private const string ZonesV1 = "v1 has no zone_code, so its records could not be matched to the zones they update or retire";

    private static readonly Dictionary<string, Entry> Open = new()
    {
        ["parcels"] = new(["v1"], (c, t) => new ParcelBatch(c, t)),
        ["land-statistics"] = new(["v1"], (c, t) => new StatisticsBatch(c, t)),
        ["planning-zones"] = new(["v2"], (c, t) => new PlanningZoneBatch(c, t), ZonesV1),
        ["price-zones"] = new(["v2"], (c, t) => new PriceZoneBatch(c, t), ZonesV1),
    };

    public static IReadOnlyCollection<string> Datasets => Open.Keys;

    public static bool TakesSubmissions(string dataset) => Open.ContainsKey(dataset);

    /// <summary>The structure versions a dataset's submissions may follow, oldest first.</summary>
    public static IReadOnlyList<string> Structures(string dataset) => Open.TryGetValue(dataset, out var entry) ? entry.Structures : [];

    /// <summary>Why a published structure older than the accepted ones is refused for submissions.</summary>
    public static string? WhyNotOlder(string dataset) => Open.TryGetValue(dataset, out var entry) ? entry.OlderStructures : null;

    public static IRecordBatch For(string dataset, NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        Open.TryGetValue(dataset, out var entry) ? entry.Open(connection, transaction)
            : throw new InvalidOperationException($"dataset '{dataset}' takes no submissions");
}
