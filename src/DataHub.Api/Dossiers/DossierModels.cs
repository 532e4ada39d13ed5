using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using DataHub.Api.Collections;

namespace DataHub.Api.Dossiers;

/// <summary>
/// A dossier as the one-stop-shop software sends it. Documents travel inline (base64): one body
/// is one dossier, hashed whole for idempotency and written in one transaction.
/// </summary>
/// <param name="DossierNumber">The sender's own dossier number (số biên nhận): a repeat with the same number and body is answered like the first.</param>
/// <param name="ProcedureCode">The procedure's code in the national procedure database, e.g. 1.013831.</param>
/// <param name="ReceivedAt">When the counter received it (ISO 8601 with offset); the deadline counts from its date in the province.</param>
/// <param name="Channel">counter, online or post.</param>
/// <param name="UnitCode">The processing unit (default vpdk-dn).</param>
/// <param name="CommuneCode">The commune of the parcels (5 digits).</param>
/// <param name="FormVersion">The form's version (default: the procedure's current one).</param>
/// <param name="Applicant">The applicant: personal data.</param>
/// <param name="Parcels">The parcels concerned.</param>
/// <param name="Certificates">Serials of the certificates concerned.</param>
/// <param name="Form">The electronic form's data, valid against schemas/json/forms/&lt;procedure&gt;/&lt;version&gt;.schema.json.</param>
/// <param name="Documents">Attached documents.</param>
public sealed record DossierIntakeRequest(
    string? DossierNumber, string? ProcedureCode, DateTimeOffset? ReceivedAt, string? Channel, string? UnitCode, string? CommuneCode,
    string? FormVersion, ApplicantData? Applicant, IReadOnlyList<ParcelRef>? Parcels, IReadOnlyList<string>? Certificates,
    JsonElement? Form, IReadOnlyList<DocumentUpload>? Documents);

/// <summary>The applicant (người nộp hồ sơ): personal data, never in a default response.</summary>
public sealed record ApplicantData(string? FullName, string? IdKind, string? IdNumber, int? BirthYear, string? Address, string? Phone, string? Email);

public sealed record ParcelRef(string? CommuneCode, int? MapSheet, int? ParcelNo);

/// <param name="Name">File name, e.g. hop-dong.pdf.</param>
/// <param name="Title">What it is, e.g. Hợp đồng chuyển nhượng.</param>
/// <param name="MediaType">e.g. application/pdf, image/jpeg.</param>
/// <param name="Content">The bytes, base64.</param>
public sealed record DocumentUpload(string? Name, string? Title, string? MediaType, byte[]? Content);

/// <summary>One thing wrong with a dossier: where (a JSON pointer into the request body, as "pointer") and what.</summary>
public sealed record FieldProblem([property: JsonPropertyName("pointer")] string Location, string Message);

public sealed record DossierParcel(string CommuneCode, int MapSheet, int ParcelNo, long? ParcelId);

public sealed record DocumentInfo(Guid Id, string Name, string? Title, string MediaType, long SizeBytes, string Sha256, string Href);

public sealed record AllowedAction(string Action, string To, string Permission);

public sealed record ApologyView(long Id, string Reason, DateOnly DueOn, DateOnly NewReturnOn, string IssuedBy, DateTimeOffset IssuedAt);

public sealed record StepView(long Id, DateTimeOffset At, string? From, string Action, string To, string Actor, string? Note, JsonElement? Data);

/// <summary>
/// A dossier as every reader with dossiers.read sees it: no applicant, and the form without its
/// personal fields (their pointers are in withheldFields; GET .../applicant has them, audited).
/// </summary>
public sealed record DossierView(
    Guid Id, string DossierNumber, string ProcedureCode, string ProcedureName, string State, string StateLabel, string Channel,
    DateTimeOffset ReceivedAt, DateOnly ReceivedOn, int DeadlineDays, DateOnly DueOn, int StoppedWorkingDays, bool Overdue,
    DateOnly? PromisedOn, string CommuneCode, string? UnitCode, string FormVersion, IReadOnlyList<DossierParcel> Parcels,
    IReadOnlyList<string> Certificates, JsonNode? Form, IReadOnlyList<string> WithheldFields, IReadOnlyList<DocumentInfo> Documents,
    IReadOnlyList<AllowedAction> AllowedActions, IReadOnlyList<ApologyView> Apologies, JsonElement? Result, IReadOnlyList<OgcLink> Links);

/// <summary>A line of the dossier list.</summary>
public sealed record DossierSummary(Guid Id, string DossierNumber, string ProcedureCode, string State, string CommuneCode,
    DateOnly ReceivedOn, DateOnly DueOn, bool Overdue, DateOnly? PromisedOn);

/// <summary>The applicant and the form's personal fields: only for personal.read, and audited.</summary>
public sealed record ApplicantView(Guid DossierId, ApplicantData Applicant, JsonNode? PersonalFields);

/// <summary>A step to take: an action of the dossier's workflow, a note, and what the action needs (the result to apply, the tax information).</summary>
public sealed record StepRequest(string? Action, string? Note, JsonElement? Data);

/// <param name="Reason">Why the dossier will be late.</param>
/// <param name="NewReturnOn">The new date the result will be returned.</param>
public sealed record ApologyRequest(string? Reason, DateOnly? NewReturnOn);

/// <param name="Kind">notice (thông báo nộp tiền) or payment (the obligation is paid: moves the dossier on).</param>
/// <param name="Reference">The tax authority's number of the notice or receipt: a repeat is written once.</param>
/// <param name="AmountVnd">The amount.</param>
/// <param name="Details">Anything else the tax authority sends (taxes per kind, due dates).</param>
public sealed record TaxNoticeRequest(string? Kind, string? Reference, decimal? AmountVnd, JsonElement? Details);

/// <summary>A procedure and its workflow, as data.</summary>
public sealed record ProcedureView(string Code, string NameVi, string NameEn, int DeadlineDays, string Workflow, string ChangeKind,
    string FormVersion, DateOnly ValidFrom, DateOnly? ValidTo, string FormSchema, IReadOnlyList<TransitionView> Transitions);

public sealed record TransitionView(string From, string Action, string To, string Permission);
