using DataHub.Api.Infrastructure.OpenApi;
using Asp.Versioning;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.DataRequests;

/// <summary>
/// Special-request sharing: a unit files a request for data that is not shared by default, the
/// data owner's reviewers negotiate it on its thread (ask, counter-propose, approve, refuse in
/// writing with a legal basis), the requester answers, amends, accepts or withdraws. A request is
/// seen by its unit, by the reviewers of its datasets and by the department's administrators;
/// to anyone else it does not exist (404).
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/data-requests")]
[Tags("Special-request sharing")]
public sealed class DataRequestsController(Negotiation negotiation) : ControllerBase
{
    /// <summary>Files a request: scope (datasets, fields, filter, area, period), purpose, legal basis, delivery, contact person.</summary>
    [HttpPost(Name = "FileDataRequest")]
    [Authorize(Policy = Permissions.RequestsFile)]
    [Consumes("application/json")]
    [ProducesResponseType<DataRequestDocument>(StatusCodes.Status201Created, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> File([FromBody] NewDataRequest body, CancellationToken ct)
    {
        var (request, errors) = await negotiation.FileAsync(body, SharingCaller.Of(User), ct);
        return request is null
            ? this.Invalid(errors, "The data request is not valid")
            : CreatedAtRoute("GetDataRequest", new { version = "1", requestId = request.Id }, request);
    }

    /// <summary>The requests the caller sees, newest first (without their threads).</summary>
    /// <param name="state">Only requests in this state (see /data-requests/transitions).</param>
    /// <param name="limit">At most this many (default 100, at most 1,000).</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet(Name = "GetDataRequests")]
    [Authorize(Policy = Permissions.SignedIn)]
    [ProducesResponseType<IReadOnlyList<DataRequestDocument>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<ActionResult<IReadOnlyList<DataRequestDocument>>> List(string? state, [PageLimit(1000, 100)] int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > 1000)
        {
            return this.Invalid("limit", "limit must be between 1 and 1000.");
        }
        // An unknown state is named rather than answered with an empty list that reads as "none in that state".
        var (list, states) = await negotiation.ListAsync(SharingCaller.Of(User), state, limit ?? 100, ct);
        return list is null
            ? this.Invalid("state", $"There is no state '{state}'; the states are {string.Join(", ", states)} (see /api/v1/data-requests/transitions).")
            : Ok(list);
    }

    /// <summary>The negotiation as data: from each state, the actions each side may take and the state they lead to.</summary>
    [HttpGet("transitions", Name = "GetDataRequestTransitions")]
    [Authorize(Policy = Permissions.SignedIn)]
    [ProducesResponseType<IReadOnlyList<Transition>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IReadOnlyList<Transition>> Transitions(CancellationToken ct) => await negotiation.TransitionsAsync(ct);

    /// <summary>
    /// Requests still undecided after their decision deadline (Sharing:DecisionWorkingDays working
    /// days after filing, holidays excluded), among those the caller sees: all of them for the
    /// department's administrators.
    /// </summary>
    /// <param name="asOf">The day to judge on (default today).</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("overdue", Name = "GetOverdueDataRequests")]
    [Authorize(Policy = Permissions.SignedIn)]
    [ProducesResponseType<IReadOnlyList<OverdueRequest>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IReadOnlyList<OverdueRequest>> Overdue(DateOnly? asOf, CancellationToken ct) =>
        await negotiation.OverdueAsync(SharingCaller.Of(User), asOf ?? negotiation.Today(), ct);

    /// <summary>One request with its thread and the actions the caller may take now.</summary>
    [HttpGet("{requestId:guid}", Name = "GetDataRequest")]
    [Authorize(Policy = Permissions.SignedIn)]
    [ProducesResponseType<DataRequestDocument>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Get(Guid requestId, CancellationToken ct) =>
        await negotiation.FindAsync(requestId, SharingCaller.Of(User), withSteps: true, ct) is { } request
            ? Ok(request)
            : UnknownRequest(requestId);

    /// <summary>
    /// A step on the thread: {"action": "counter-propose", "message": "...", "scope": {...}}. 409
    /// when the request's state does not allow the action, 403 when the caller's side may not
    /// take it; both name the state and the actions allowed.
    /// </summary>
    [HttpPost("{requestId:guid}/steps", Name = "AddDataRequestStep")]
    [Authorize(Policy = Permissions.SignedIn)]
    [Consumes("application/json")]
    [ProducesResponseType<StepDocument>(StatusCodes.Status201Created, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<IActionResult> Step(Guid requestId, [FromBody] NewStep step, CancellationToken ct) =>
        Answer(this, requestId, await negotiation.StepAsync(requestId, step, SharingCaller.Of(User), ct));

    /// <summary>The HTTP answer of a step (shared with a grant's revocation).</summary>
    public static IActionResult Answer(ControllerBase controller, Guid requestId, StepOutcome outcome)
    {
        ObjectResult WithState(ObjectResult result, string state, IReadOnlyList<string> allowed)
        {
            var problem = (ProblemDetails)result.Value!;
            problem.Extensions["state"] = state;
            problem.Extensions["allowedActions"] = allowed;
            return result;
        }
        return outcome switch
        {
            StepOutcome.Done done => controller.CreatedAtRoute("GetDataRequest", new { version = "1", requestId }, done.Step),
            StepOutcome.Invalid invalid => controller.Invalid(invalid.Errors, "The step is not valid"),
            StepOutcome.Conflict c => WithState(controller.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not allowed in this state", detail: c.Detail), c.State, c.AllowedActions),
            StepOutcome.NotYourSide s => WithState(controller.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your side's action", detail: s.Detail), s.State, s.AllowedActions),
            _ => UnknownRequest(controller, requestId),
        };
    }

    private ObjectResult UnknownRequest(Guid id) => UnknownRequest(this, id);

    private static ObjectResult UnknownRequest(ControllerBase controller, Guid id) =>
        controller.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown data request", detail: $"There is no data request {id} that you can see.");
}
