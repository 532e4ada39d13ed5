using Asp.Versioning;
using DataHub.Api.Audit;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DataHub.Api.Extraction;

/// <summary>
/// Extraction: a query over a dataset (fields, CQL2 filter, area) run as a job with progress,
/// whose file (GeoJSON, CSV or GeoPackage) is downloaded and expires. Every job is recorded, and requests and
/// downloads are in the audit trail. A caller sees its own jobs; auditors and administrators all.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/extractions")]
[Tags("Extraction")]
[Authorize(Policy = Permissions.DataRead)]
public sealed class ExtractionsController(Extractions extractions, Endings<ExtractionWorker> endings, NpgsqlDataSource dataSource, IOptions<ExtractionSettings> settings) : ControllerBase
{
    /// <summary>
    /// Asks for an extraction. Body: {"dataset": "parcels", "fields": ["commune_code", "area_m2", "geometry"],
    /// "filter": "main_purpose_code = 'CLN'", "area": {"unit": "26500"}, "format": "geojson"}. Fields default to
    /// all the caller may read; area is {"bbox": [w, s, e, n]}, {"unit": code} or {"geometry": GeoJSON}, in WGS 84.
    /// Format: geojson (default), csv or gpkg (GeoPackage); a gpkg may name the CRS of its geometries,
    /// "crs": "http://www.opengis.net/def/crs/EPSG/0/9212" (VN-2000 TM-3), CRS84 otherwise.
    /// </summary>
    [HttpPost(Name = "CreateExtraction")]
    [ProducesResponseType<ExtractionJob>(StatusCodes.Status202Accepted, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> Create([FromBody] ExtractionRequest request, CancellationToken ct)
    {
        var (job, errors) = await extractions.CreateAsync(request, User.Actor(), HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
        if (job is null)
        {
            return this.Invalid(errors);
        }
        await AuditTrail.AppendAsync(dataSource, User.Actor(), "extraction.requested", $"extraction:{job.Id}",
            new { job.Dataset, job.Fields, job.Filter, job.Format }, ct);
        return AcceptedAtRoute("GetExtraction", new { version = "1", id = job.Id }, job);
    }

    /// <summary>The most recent jobs, newest first: who asked for what, when, and how many rows left.</summary>
    [HttpGet(Name = "GetExtractions")]
    [ProducesResponseType<IReadOnlyList<ExtractionJob>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IReadOnlyList<ExtractionJob>> List(CancellationToken ct) =>
        await extractions.RecentAsync(100, SeesAll ? null : User.Actor(), ct);

    private bool SeesAll => User.Has(Permissions.AuditRead);

    // Another caller's job is as unknown as a job that does not exist.
    private async Task<ExtractionJob?> VisibleAsync(Guid id, CancellationToken ct) =>
        await extractions.FindAsync(id, ct) is { } job && (SeesAll || job.RequestedBy == User.Actor()) ? job : null;

    /// <summary>One job: status (queued, running, done, failed, expired), progress, rows, expiry.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="prefer">wait=N (RFC 7240): answer as soon as the job has ended (done or failed), or after N seconds as it stands; at most Extractions:MaxWaitSeconds (default 30). Preference-Applied says how long it would wait. Saves polling.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("{id:guid}", Name = "GetExtraction")]
    [ProducesResponseType<ExtractionJob>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Get(Guid id, [FromHeader(Name = "Prefer")] string? prefer, CancellationToken ct)
    {
        var wait = Preferences.Wait(prefer, TimeSpan.FromSeconds(settings.Value.MaxWaitSeconds));
        var found = wait is { } w
            ? await endings.WaitAsync(w, token => VisibleAsync(id, token), j => j is { Status: "queued" or "running" }, ct)
            : await VisibleAsync(id, ct);
        if (found is not { } job)
        {
            return Problem(statusCode: 404, title: "Unknown extraction", detail: $"There is no extraction job {id}.");
        }
        if (wait is { } applied)
        {
            Preferences.WaitApplied(Response, applied);
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

    /// <summary>The job's file (GeoJSON, CSV or GeoPackage, as asked), while it has not expired (410 once it has).</summary>
    [HttpGet("{id:guid}/file", Name = "GetExtractionFile")]
    [ProducesResponseType<FileResult>(StatusCodes.Status200OK, ExtractionFormats.GeoJsonType, ExtractionFormats.CsvType, ExtractionFormats.GeoPackageType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status410Gone, "application/problem+json")]
    public async Task<IActionResult> File(Guid id, CancellationToken ct)
    {
        if (await VisibleAsync(id, ct) is not { } job)
        {
            return Problem(statusCode: 404, title: "Unknown extraction", detail: $"There is no extraction job {id}.");
        }
        if (job.GrantId is { } grant)
        {
            // Special-request data leaves only to the grantee, through the grant (checked and audited there).
            return Problem(statusCode: 404, title: "Download through the grant",
                detail: $"Extraction {id} is the extract of grant {grant}; its grantee downloads it at /api/v1/grants/{grant}/extractions/{id}/file.");
        }
        if (job.Status == "expired" || (job.Status == "done" && !System.IO.File.Exists(extractions.PathOf(job))))
        {
            return Problem(statusCode: 410, title: "Expired", detail: $"The file of extraction {id} expired at {job.ExpiresAt:u}; ask again.");
        }
        if (job.Status != "done")
        {
            return Problem(statusCode: 409, title: "Not ready", detail: $"Extraction {id} is {job.Status}.");
        }
        await AuditTrail.AppendAsync(dataSource, User.Actor(), "extraction.downloaded", $"extraction:{job.Id}", new { job.Dataset, job.RowsWritten }, ct);
        var format = ExtractionFormats.Of(job);
        return PhysicalFile(extractions.PathOf(job), format.MediaType, $"{job.Dataset}-{job.Id}.{format.Extension}");
    }
}
