using Asp.Versioning;
using DataHub.Api.Infrastructure.Api;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.Extraction;

/// <summary>
/// Extraction: a query over a dataset (fields, CQL2 filter, area) run as a job with progress,
/// whose file (GeoJSON or CSV) is downloaded and expires. Every job is recorded.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/extractions")]
[Tags("Extraction")]
public sealed class ExtractionsController(Extractions extractions) : ControllerBase
{
    /// <summary>
    /// Asks for an extraction. Body: {"dataset": "parcels", "fields": ["commune_code", "area_m2", "geometry"],
    /// "filter": "main_purpose_code = 'CLN'", "area": {"unit": "26500"}, "format": "geojson"}. Fields default to
    /// all the caller may read; area is {"bbox": [w, s, e, n]}, {"unit": code} or {"geometry": GeoJSON}, in WGS 84.
    /// </summary>
    [HttpPost(Name = "CreateExtraction")]
    [ProducesResponseType<ExtractionJob>(StatusCodes.Status202Accepted, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> Create([FromBody] ExtractionRequest request, CancellationToken ct)
    {
        // No accounts yet: every caller is anonymous and reads through default sharing. The lead
        // plugs the authenticated caller here (and its grants into Extractions.ScopeFor).
        var (job, errors) = await extractions.CreateAsync(request, "anonymous", HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
        if (job is null)
        {
            return this.Invalid(errors);
        }
        return AcceptedAtRoute("GetExtraction", new { version = "1", id = job.Id }, job);
    }

    /// <summary>The most recent jobs, newest first: who asked for what, when, and how many rows left.</summary>
    [HttpGet(Name = "GetExtractions")]
    [ProducesResponseType<IReadOnlyList<ExtractionJob>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IReadOnlyList<ExtractionJob>> List(CancellationToken ct) => await extractions.RecentAsync(100, ct);

    /// <summary>One job: status (queued, running, done, failed, expired), progress, rows, expiry.</summary>
    [HttpGet("{id:guid}", Name = "GetExtraction")]
    [ProducesResponseType<ExtractionJob>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Get(Guid id, CancellationToken ct)
    {
        if (await extractions.FindAsync(id, ct) is not { } job)
        {
            return Problem(statusCode: 404, title: "Unknown extraction", detail: $"There is no extraction job {id}.");
        }
        if (job.Status == "done")
        {
            Response.Headers.Link = $"<{Request.Path}/file>; rel=\"enclosure\"";
        }
        else if (job.Status is "queued" or "running")
        {
            Response.Headers.RetryAfter = "1";
        }
        return Ok(job);
    }

    /// <summary>The job's file, while it has not expired (410 once it has).</summary>
    [HttpGet("{id:guid}/file", Name = "GetExtractionFile")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status410Gone, "application/problem+json")]
    public async Task<IActionResult> File(Guid id, CancellationToken ct)
    {
        if (await extractions.FindAsync(id, ct) is not { } job)
        {
            return Problem(statusCode: 404, title: "Unknown extraction", detail: $"There is no extraction job {id}.");
        }
        if (job.Status == "expired" || (job.Status == "done" && !System.IO.File.Exists(extractions.PathOf(job))))
        {
            return Problem(statusCode: 410, title: "Expired", detail: $"The file of extraction {id} expired at {job.ExpiresAt:u}; ask again.");
        }
        if (job.Status != "done")
        {
            return Problem(statusCode: 409, title: "Not ready", detail: $"Extraction {id} is {job.Status}.");
        }
        var type = job.Format == "csv" ? "text/csv; charset=utf-8" : "application/geo+json";
        return PhysicalFile(extractions.PathOf(job), type, $"{job.Dataset}-{job.Id}.{(job.Format == "csv" ? "csv" : "geojson")}");
    }
}
