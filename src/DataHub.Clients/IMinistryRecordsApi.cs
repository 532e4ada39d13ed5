using Refit;

namespace DataHub.Clients;

/// <summary>
/// The Ministry's records API (the national land system, reached through the national data
/// platform): the hub sends the records of a dataset in its exchange structure, in batches, and
/// asks for a per-commune summary to reconcile. The contract is docs/integrations.md.
/// </summary>
public interface IMinistryRecordsApi
{
    /// <summary>
    /// Sends one batch of records of a dataset. The receiver applies each record at most once,
    /// by its <see cref="RecordEnvelope.MessageId"/>, and answers a repeated
    /// <paramref name="idempotencyKey"/> with its first receipt.
    /// </summary>
    /// <param name="dataset">The dataset identifier, e.g. <c>parcels</c>.</param>
    /// <param name="idempotencyKey">The batch's key: the same messages always give the same key.</param>
    /// <param name="batch">The records, in order (oldest change first).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What the receiver applied and what it had seen before.</returns>
    [Post("/records/{dataset}")]
    Task<RecordBatchReceipt> SendRecordsAsync(
        string dataset,
        [Header("Idempotency-Key")] string idempotencyKey,
        [Body] RecordBatch batch,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// The receiver's current holding of a dataset, per commune: how many records and a checksum
    /// over their keys and versions (see <see cref="CommuneSummary.Checksum"/>).
    /// </summary>
    /// <param name="dataset">The dataset identifier.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>One row per commune the receiver holds records of.</returns>
    [Get("/records/{dataset}/summary")]
    Task<DatasetSummary> GetSummaryAsync(string dataset, CancellationToken cancellationToken = default);
}
