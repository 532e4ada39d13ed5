using System.Text.Json;
using System.Text.Json.Serialization;

namespace DataHub.Clients;

/// <summary>
/// A CloudEvents 1.0 event in the JSON format (attribute names as the specification spells them).
/// The hub's events carry the <c>sequence</c> extension so a consumer can order the events of one
/// subject.
/// </summary>
/// <param name="Id">Unique per message and stable across retries; with <paramref name="Source"/>, the de-duplication key.</param>
/// <param name="Source">The hub instance, e.g. <c>urn:datahub:binh-phuoc</c>.</param>
/// <param name="Type">e.g. <c>vn.gov.datahub.parcels.upsert</c> or <c>vn.gov.datahub.parcels.delete</c>.</param>
/// <param name="Subject">The record within the source: <c>{dataset}/{key}</c>.</param>
/// <param name="Time">When the change was committed in the hub.</param>
/// <param name="Sequence">The hub's change sequence as a decimal string, increasing per subject.</param>
/// <param name="Data">The event data (see docs/integrations.md).</param>
public sealed record CloudEvent(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("sequence")] string Sequence,
    [property: JsonPropertyName("data")] JsonElement Data)
{
    /// <summary>Always <c>1.0</c>.</summary>
    [JsonPropertyName("specversion")]
    public string SpecVersion { get; init; } = "1.0";

    /// <summary>Always <c>application/json</c>.</summary>
    [JsonPropertyName("datacontenttype")]
    public string DataContentType { get; init; } = "application/json";
}

/// <summary>The IOC's answer to a batch of events.</summary>
/// <param name="Accepted">Events taken by this request.</param>
/// <param name="Duplicates">Events seen before (same source and id), not taken again.</param>
/// <param name="Rejected">Events the receiver refused, each with its reason (MessageId is the event id); the others stand.</param>
public sealed record EventBatchReceipt(int Accepted, int Duplicates, IReadOnlyList<RecordRejection>? Rejected);
