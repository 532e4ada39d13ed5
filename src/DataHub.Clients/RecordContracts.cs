using System.Text.Json;
using System.Text.Json.Serialization;

namespace DataHub.Clients;

/// <summary>A batch of records of one dataset, sent to the Ministry.</summary>
/// <param name="Dataset">The dataset identifier, e.g. <c>parcels</c>.</param>
/// <param name="Schema">The URI of the exchange structure (JSON Schema) the records follow.</param>
/// <param name="Records">The records, oldest change first.</param>
public sealed record RecordBatch(string Dataset, string? Schema, IReadOnlyList<RecordEnvelope> Records);

/// <summary>One record change: what changed, in which order, and the record as the hub holds it.</summary>
/// <param name="MessageId">Unique per message and stable across retries: the receiver de-duplicates by it.</param>
/// <param name="Sequence">Increases with every change the hub records; orders changes of one record.</param>
/// <param name="Change"><c>upsert</c> (the record exists; <see cref="Record"/> is its current version) or <c>delete</c> (retired; <see cref="Record"/> is null).</param>
/// <param name="Key">The hub's key of the record (for parcels, its id).</param>
/// <param name="Commune">The commune the record belongs to, when it has one (reconciliation groups by it).</param>
/// <param name="Version">The record version: microseconds since 1970 of the version's start (the same number for the same version on every send).</param>
/// <param name="ChangedAt">When the change was committed in the hub.</param>
/// <param name="Record">The record in the dataset's exchange structure (a GeoJSON Feature for spatial datasets), or null for a delete.</param>
public sealed record RecordEnvelope(
    string MessageId,
    long Sequence,
    string Change,
    string Key,
    string? Commune,
    long Version,
    DateTimeOffset ChangedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonElement? Record);

/// <summary>The Ministry's answer to a batch it read: each record is accepted, a duplicate, or rejected.</summary>
/// <param name="Accepted">Records applied by this request.</param>
/// <param name="Duplicates">Records whose message id had been received before (not applied again).</param>
/// <param name="Rejected">Records the receiver refused, each with its reason; the others of the batch stand.</param>
public sealed record RecordBatchReceipt(int Accepted, int Duplicates, IReadOnlyList<RecordRejection>? Rejected);

/// <summary>A record the receiver refused.</summary>
/// <param name="MessageId">The record's message id.</param>
/// <param name="Reason">Why, in the receiver's words.</param>
public sealed record RecordRejection(string MessageId, string Reason);

/// <summary>The Ministry's holding of one dataset, per commune.</summary>
/// <param name="Dataset">The dataset identifier.</param>
/// <param name="Communes">One entry per commune that has records.</param>
public sealed record DatasetSummary(string Dataset, IReadOnlyList<CommuneSummary> Communes);

/// <summary>Count and checksum of the live (not deleted) records of one commune.</summary>
/// <param name="Commune">The commune code.</param>
/// <param name="Count">How many live records.</param>
/// <param name="Checksum">
/// Lower-case hex MD5 of the lines <c>key:version</c>, one per live record, sorted by key as
/// text (ordinal), each followed by a line feed. Equal checksums mean equal keys and versions.
/// </param>
public sealed record CommuneSummary(string Commune, long Count, string Checksum);
