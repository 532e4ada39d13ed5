using System.Text.Json;

namespace DataHub.Api.DataRequests;

/// <summary>
/// A data request as filed. Body: {"scope": {"datasets": [{"dataset": "parcel-users", "fields": [...],
/// "filter": "role = 'owner'", "area": {"units": ["26500"]}}], "validFrom": "2026-03-01", "validTo":
/// "2026-08-31"}, "purpose": "...", "legalBasis": "Công văn số ...", "delivery": "api" | "extract",
/// "extractFormat": "geojson" | "csv" | "gpkg", "contact": {"name": "...", "email": "...", "phone": "..."}}.
/// </summary>
public sealed record NewDataRequest(ScopeInput? Scope, string? Purpose, string? LegalBasis, string? Delivery, string? ExtractFormat, ContactPerson? Contact);

/// <summary>The person of the requesting unit the reviewers deal with.</summary>
public sealed record ContactPerson(string? Name, string? Email, string? Phone);

/// <summary>
/// A step on a request's thread: an action (see GET /api/v1/data-requests/transitions) with what it
/// needs. message: ask, answer, comment (required), any other (optional). scope: counter-propose
/// (required), amend. reasons and legalBasis: refuse (both required), revoke (reasons required).
/// amend may also change purpose, legalBasis (of the request), delivery, extractFormat, contact.
/// rateLimitPerHour: approve (requests per hour through the grant).
/// </summary>
public sealed record NewStep(
    string? Action, string? Message, ScopeInput? Scope, string? Reasons, string? LegalBasis, int? RateLimitPerHour,
    string? Purpose, string? Delivery, string? ExtractFormat, ContactPerson? Contact);

/// <summary>A request as its parties see it, with the actions the caller may take now and its thread.</summary>
public sealed record DataRequestDocument(
    Guid Id, string RequesterUnit, string FiledBy, DateTimeOffset FiledAt, string State, IReadOnlyList<string> Datasets,
    SharingScope Scope, SharingScope? Proposal, string Purpose, string LegalBasis, string Delivery, string? ExtractFormat,
    ContactPerson Contact, DateOnly DecisionDueOn, DateTimeOffset? DecidedAt, int? WorkingDaysToDecision, bool Overdue,
    Guid? GrantId, IReadOnlyList<string> AllowedActions, IReadOnlyList<StepDocument>? Steps);

/// <summary>One step of the thread: who, when, what, from which state to which, and the exact scope difference.</summary>
public sealed record StepDocument(
    long Id, DateTimeOffset At, string Actor, string? ActorUnit, string Side, string Action, string? FromState, string ToState,
    string? Message, string? Reasons, string? LegalBasis, JsonElement? Scope, JsonElement? Difference);

/// <summary>A row of the transitions table: from a state, an action one side may take, and the state it leads to.</summary>
public sealed record Transition(string FromState, string Action, string ToState, string Side, string Description);

/// <summary>A request still waiting for a decision after its deadline.</summary>
public sealed record OverdueRequest(
    Guid Id, string RequesterUnit, IReadOnlyList<string> Datasets, string State, DateTimeOffset FiledAt, DateOnly DecisionDueOn, int WorkingDaysOverdue);
