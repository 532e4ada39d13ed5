using Asp.Versioning;
using DataHub.Api.Collections;
using Microsoft.AspNetCore.Http.Features;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DataHub.Api.Submissions;

/// <summary>
/// Departments and People's Committees update the land database by submitting records in the
/// dataset's exchange structure (/api/v1/schemas). A submission is atomic, idempotent by its
/// Idempotency-Key, and every write it makes is recorded as made by it.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/datasets/{datasetId}/submissions")]
[Tags("Submissions")]
[Authorize(Policy = Permissions.DataSubmit)]
public sealed class SubmissionsController(Catalogue catalogue, SubmissionService service, Endings<SubmissionWorker> endings, NpgsqlDataSource dataSource, IOptions<SubmissionSettings> settings) : ControllerBase
{
    /// <summary>
    /// Submit records: a GeoJSON FeatureCollection, a JSON array of features, or NDJSON (one
    /// feature per line). Geometry in VN-2000 / TM-3 106-15 (declare it with a GeoJSON "crs"
    /// member, or crs=EPSG:9212 for NDJSON) or WGS 84 (the default). Any invalid record makes
    /// the whole submission write nothing (422, every problem listed) unless mode=valid-only.
    /// Bodies over Submissions:AsyncAboveBytes (4 MB), without a Content-Length, or sent with
    /// Prefer: respond-async are stored and answered 202 with the status URL, which reports
    /// progress and then the result.
    /// </summary>
    /// <param name="datasetId">The dataset (parcels, land-statistics, planning-zones or price-zones).</param>
    /// <param name="idempotencyKey">A key unique to this batch: a retry with the same key and body gets the first answer again and writes nothing twice.</param>
    /// <param name="mode">all-or-nothing (default) or valid-only.</param>
    /// <param name="crs">CRS of NDJSON geometries (EPSG:9212 or CRS84).</param>
    /// <param name="structure">The exchange structure version the records follow (e.g. v2); by default the newest the dataset accepts (v1 for parcels and land-statistics, v2 for planning-zones and price-zones).</param>
    /// <param name="prefer">respond-async: answer 202 with the status URL whatever the body's size (RFC 7240).</param>
    /// <param name="ct">Cancelled when the client goes away (nothing is written then).</param>
    [HttpPost(Name = "Submit")]
    [Consumes("application/geo+json", "application/json", "application/x-ndjson")]
    [ProducesResponseType<SubmissionResult>(StatusCodes.Status201Created, "application/json")]
    [ProducesResponseType<SubmissionResult>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<SubmissionResult>(StatusCodes.Status202Accepted, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public async Task<IActionResult> Submit(string datasetId, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        [FromQuery] string? mode, [FromQuery] string? crs, [FromQuery] string? structure, [FromHeader(Name = "Prefer")] string? prefer,
        CancellationToken ct)
    {
        if (await catalogue.FindAsync(datasetId, ct) is not { } dataset)
        {
            return Problem(statusCode: 404, title: "Unknown dataset", detail: $"There is no dataset '{datasetId}'. The catalogue is at /api/v1/datasets.");
        }
        if (NotSteward(datasetId) is { } forbidden)
        {
            return forbidden;
        }
        if (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > 200)
        {
            return Problem(statusCode: 400, title: "Idempotency-Key required",
                detail: "Send an Idempotency-Key header (1-200 characters, unique to this batch) so that a retry cannot write twice.");
        }
        if (mode is not (null or "all-or-nothing" or "valid-only"))
        {
            return Problem(statusCode: 400, title: "Unknown mode", detail: $"mode '{mode}' is not known: use all-or-nothing (default) or valid-only.");
        }
        if (HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = settings.Value.MaxBodyBytes;
        }

        var submission = new SubmissionService.Request(dataset, Request.Body,
            Request.ContentType?.StartsWith("application/x-ndjson", StringComparison.OrdinalIgnoreCase) == true,
            idempotencyKey, mode == "valid-only", crs, SubmittedBy(), structure);
        // Large (or unsized) bodies, or a client that asks for it, get 202 and a status URL.
        var asynchronous = Request.ContentLength is not { } length
            || length > settings.Value.AsyncAboveBytes
            || Preferences.RespondAsync(prefer);
        SubmissionService.Outcome outcome;
        try
        {
            outcome = asynchronous ? await service.AcceptAsync(submission, ct) : await service.SubmitAsync(submission, ct);
        }
        catch (SubmissionRefusedException e)
        {
            return Problem(statusCode: e.Status, title: e.Title, detail: e.Message);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Found while reading the body, so after some of it was read: nothing was kept.
            return Problem(statusCode: 413, title: "Body too large",
                detail: $"A submission's body may be at most {settings.Value.MaxBodyBytes:N0} bytes; nothing was written. Split the batch into smaller submissions.");
        }
        catch (MalformedBodyException e)
        {
            var problem = Problem(statusCode: 400, title: "Malformed body", detail: e.Message);
            ((ProblemDetails)problem.Value!).Extensions["bytePosition"] = e.Position;
            return problem;
        }

        var result = ToResult(outcome.Result);
        if (outcome.Replayed)
        {
            Response.Headers["Idempotent-Replayed"] = "true";
        }
        if (result.Waiting)
        {
            Response.Headers.Location = result.Links[0].Href;
            Response.Headers.RetryAfter = "2";
            return Accepted(result.Links[0].Href, result);
        }
        if (!result.Applied)
        {
            var problem = Problem(statusCode: 422, title: "The submission has invalid records; nothing was written",
                detail: $"{result.ProblemCount} problem(s) in {result.Rejected} of {result.Received} record(s). Each is listed with its record index and field.");
            var details = (ProblemDetails)problem.Value!;
            details.Extensions["submission"] = result.Links[0].Href;
            details.Extensions["problems"] = result.Problems;
            details.Extensions["problemCount"] = result.ProblemCount;
            return problem;
        }
        return outcome.Replayed ? Ok(result) : Created(result.Links[0].Href, result);
    }

    /// <summary>A submission's status and result.</summary>
    /// <param name="datasetId">The dataset.</param>
    /// <param name="submissionId">The submission's id.</param>
    /// <param name="prefer">wait=N (RFC 7240): answer as soon as the submission has ended (applied or rejected), or after N seconds as it stands; at most Submissions:MaxWaitSeconds (default 30). Preference-Applied says how long it would wait. Saves polling.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("{submissionId:guid}", Name = "GetSubmission")]
    [ProducesResponseType<SubmissionResult>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Get(string datasetId, Guid submissionId, [FromHeader(Name = "Prefer")] string? prefer, CancellationToken ct)
    {
        if (NotSteward(datasetId) is { } forbidden)
        {
            return forbidden;
        }
        Task<SubmissionStore.Stored?> Read(CancellationToken token) => SubmissionStore.FindAsync(dataSource, datasetId, submissionId, null, token);
        var wait = Preferences.Wait(prefer, TimeSpan.FromSeconds(settings.Value.MaxWaitSeconds));
        var stored = wait is { } w
            ? await endings.WaitAsync(w, Read, s => s is { Status: "received" or "processing" }, ct)
            : await Read(ct);
        if (stored is null)
        {
            return Problem(statusCode: 404, title: "Unknown submission", detail: $"Dataset '{datasetId}' has no submission {submissionId}.");
        }
        if (wait is { } applied)
        {
            Preferences.WaitApplied(Response, applied);
        }
        return Ok(ToResult(stored));
    }

    private string SubmittedBy() => User.Actor();

    // The one place that decides who may submit to (and read the submissions of) a dataset:
    // its data stewards, people or clients, by role assignment.
    private ObjectResult? NotSteward(string datasetId) => User.Has(Permissions.DataSubmit, datasetId)
        ? null
        : Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            detail: $"Only data stewards of '{datasetId}' may submit to it or read its submissions; the caller's roles do not make it one.");

    private SubmissionResult ToResult(SubmissionStore.Stored s)
    {
        var self = $"{OgcLinks.Base(Request)}/api/v1/datasets/{s.Dataset}/submissions/{s.Id}";
        // 'received' with progress means a worker is reading it now. An ended submission's count
        // is gone a moment after it ends (the worker removes it once its transaction has
        // committed): it is not shown meanwhile.
        var reading = s.Status == "received" ? s.Progress : null;
        var status = reading is not null ? "processing" : s.Status;
        return new SubmissionResult(s.Id, s.Dataset, s.Structure, status, s.Mode, s.Received, s.Inserted, s.Updated, s.Unchanged, s.Retired,
            s.Rejected, s.ProblemCount, s.Problems, s.ReceivedAt, s.FinishedAt, reading,
            [new OgcLink(self, "self", "application/json", "This submission"),
             new OgcLink($"{OgcLinks.Base(Request)}/api/v1/schemas/{s.Dataset}/{s.Structure}", "describedby", "application/schema+json", "Exchange structure")]);
    }
}
