using System.Text.Json;
using Refit;

namespace DataHub.Clients;

/// <summary>
/// One message about a land dossier, as the hub sends it to the tax authority or to the
/// one-stop shop. The contract is docs/integrations.md (Land dossiers).
/// </summary>
/// <param name="Key">The message's idempotency key: a receiver that has seen it before does nothing again.</param>
/// <param name="DossierId">The hub's id of the dossier.</param>
/// <param name="Kind">financial-obligation-information (to the tax authority); status, result, apology, tax-notice (to the one-stop shop).</param>
/// <param name="Payload">The message itself; its fields depend on the kind.</param>
/// <param name="CreatedAt">When the step that caused it was committed.</param>
public sealed record DossierMessageEnvelope(Guid Key, Guid DossierId, string Kind, JsonElement Payload, DateTimeOffset CreatedAt);

/// <summary>
/// The tax authority's land-dossier API: it receives the information to determine a dossier's
/// financial obligation (phiếu chuyển thông tin để xác định nghĩa vụ tài chính) and answers later,
/// through the hub's POST /api/v1/dossiers/{id}/tax-notices, with notices and payments.
/// </summary>
public interface ITaxAuthorityApi
{
    /// <summary>Sends the information of one dossier. A repeated <paramref name="idempotencyKey"/> is answered like the first.</summary>
    /// <param name="idempotencyKey">The message's key.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    [Post("/dossiers/financial-obligations")]
    Task SendFinancialObligationInformationAsync(
        [Header("Idempotency-Key")] string idempotencyKey,
        [Body] DossierMessageEnvelope message,
        CancellationToken cancellationToken = default);
}

/// <summary>
/// The one-stop-shop software's API for what happens to the dossiers it sent: each step, the
/// result to hand back, an apology with a new return date, a tax notice to give the applicant.
/// </summary>
public interface IOneStopShopApi
{
    /// <summary>Tells the one-stop shop about one of its dossiers. A repeated <paramref name="idempotencyKey"/> is answered like the first.</summary>
    /// <param name="dossierNumber">The one-stop shop's own dossier number.</param>
    /// <param name="idempotencyKey">The message's key.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    [Post("/dossiers/{dossierNumber}/events")]
    Task NotifyAsync(
        string dossierNumber,
        [Header("Idempotency-Key")] string idempotencyKey,
        [Body] DossierMessageEnvelope message,
        CancellationToken cancellationToken = default);
}
