using Asp.Versioning;
using DataHub.Api.Collections;
using DataHub.Api.DataRequests;
using DataHub.Api.Extraction;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace DataHub.Api.Grants;

/// <summary>
/// Grants of special-request sharing. The grantee unit's accounts and clients read through a
/// grant with the OGC API - Features query parameters, on the same code path as default sharing
/// with the grant's scope: only the granted fields (personal ones only when the grant names
/// them) and rows, only within the grant's period, until it is revoked; every read is audited
/// with the records it returned and the fields. No right is needed beyond belonging to the
/// grantee unit; a grant is seen by its unit, the reviewers of its datasets and the department's
/// administrators, and to anyone else does not exist (404).
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/grants")]
[Tags("Special-request sharing")]
[Authorize(Policy = Permissions.SignedIn)]
public sealed class GrantsController(
    GrantStore grants, Negotiation negotiation, Catalogue catalogue, NpgsqlDataSource dataSource, MatchCounts counts, Extractions extractions) : ControllerBase
{
    /// <summary>The grants the caller sees, newest first.</summary>
    [HttpGet(Name = "GetGrants")]
    [ProducesResponseType<IReadOnlyList<GrantDocument>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IReadOnlyList<GrantDocument>> List(CancellationToken ct)
    {
        var list = new List<GrantDocument>();
        foreach (var grant in await grants.ListAsync(SharingCaller.Of(User), ct))
        {
            list.Add(await grants.DocumentAsync(grant, extractions, OgcLinks.Base(Request), ct));
        }
        return list;
    }

    /// <summary>One grant: its scope, period, status (scheduled, active, expired, revoked), usage, extracts and links.</summary>
    [HttpGet("{grantId:guid}", Name = "GetGrant")]
    [ProducesResponseType<GrantDocument>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Get(Guid grantId, CancellationToken ct) =>
        await VisibleAsync(grantId, ct) is { } grant
            ? Ok(await grants.DocumentAsync(grant, extractions, OgcLinks.Base(Request), ct))
            : UnknownGrant(grantId);

    /// <summary>
    /// Revokes the grant (reviewers of its datasets, the department's administrators): body
    /// {"reasons": "...", "legalBasis": "..."}. It stops on the grantee's next request. The step is
    /// kept on the request's thread (action revoke).
    /// </summary>
    [HttpPost("{grantId:guid}/revocation", Name = "RevokeGrant")]
    [Consumes("application/json")]
    [ProducesResponseType<StepDocument>(StatusCodes.Status201Created, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<IActionResult> Revoke(Guid grantId, [FromBody] GrantRevocation body, CancellationToken ct)
    {
        if (await VisibleAsync(grantId, ct) is not { } grant)
        {
            return UnknownGrant(grantId);
        }
        var outcome = await negotiation.StepAsync(grant.RequestId, new NewStep("revoke", null, null, body.Reasons, body.LegalBasis, null, null, null, null, null),
            SharingCaller.Of(User), ct);
        return DataRequestsController.Answer(this, grant.RequestId, outcome);
    }

    /// <summary>
    /// A collection as the grant gives it (OGC API - Features collection document): links to its
    /// granted items and the granted queryables. No extent: that of the whole dataset would say
    /// where rows outside the grant lie.
    /// </summary>
    [HttpGet("{grantId:guid}/collections/{collectionId}", Name = "GetGrantCollection")]
    [ProducesResponseType<CollectionDocument>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetCollection(Guid grantId, string collectionId, CancellationToken ct)
    {
        var (_, dataset, scope, refusal) = await ReadableAsync(grantId, collectionId, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        var self = OgcLinks.Base(Request) + Request.Path;
        var d = dataset!;
        return Ok(new
        {
            id = d.Id,
            title = d.TitleEn,
            description = d.DescriptionEn,
            links = new[]
            {
                new OgcLink(self, "self", OgcLinks.Json, "This collection, as the grant gives it"),
                new OgcLink($"{self}/items", "items", OgcLinks.GeoJson, "Granted features"),
                new OgcLink($"{self}/items?f=csv", "items", OgcLinks.Csv, "Granted features as CSV"),
                new OgcLink($"{OgcLinks.Base(Request)}/api/v1/grants/{grantId}", "up", OgcLinks.Json, "The grant"),
            },
            itemType = "feature",
            crs = d.IsSpatial ? CrsRegistry.Supported.Select(c => c.Uri).ToList() : [],
            storageCrs = d.StorageSrid is { } srid ? CrsRegistry.UriOf(srid) : null,
            title_vi = d.TitleVi,
            description_vi = d.DescriptionVi,
            queryables = scope!.Fields.Where(f => f.Queryable).ToDictionary(f => f.Name, Queryables.Schema),
        });
    }

    /// <summary>
    /// The granted features of a collection, with the OGC API - Features parameters of
    /// /collections/{collectionId}/items (limit, offset, bbox, datetime, crs, filter over the
    /// granted fields, sortby, f=json|csv), within the grant's fields and rows.
    /// </summary>
    /// <param name="grantId">The grant.</param>
    /// <param name="collectionId">A dataset of the grant.</param>
    /// <param name="limit">Features per page: default 10, at most 10,000.</param>
    /// <param name="offset">Features to skip.</param>
    /// <param name="bbox">minx,miny,maxx,maxy in bbox-crs.</param>
    /// <param name="bboxCrs">CRS of bbox, as a URI.</param>
    /// <param name="datetime">An RFC 3339 instant or interval.</param>
    /// <param name="crs">CRS of the response geometries.</param>
    /// <param name="filter">A CQL2 text filter over the granted queryable fields.</param>
    /// <param name="filterLang">cql2-text.</param>
    /// <param name="filterCrs">CRS of geometries in the filter.</param>
    /// <param name="sortby">Comma-separated granted fields, '-' for descending.</param>
    /// <param name="f">json (GeoJSON, default) or csv.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("{grantId:guid}/collections/{collectionId}/items", Name = "GetGrantItems")]
    [ChecksOwnQuery]
    [ProducesResponseType<FeatureCollectionDocument>(StatusCodes.Status200OK, "application/geo+json", "text/csv")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    public async Task<IActionResult> GetItems(
        Guid grantId, string collectionId, [FromQuery] string? limit, [FromQuery] string? offset, [FromQuery] string? bbox,
        [FromQuery(Name = "bbox-crs")] string? bboxCrs, [FromQuery] string? datetime, [FromQuery] string? crs,
        [FromQuery] string? filter, [FromQuery(Name = "filter-lang")] string? filterLang,
        [FromQuery(Name = "filter-crs")] string? filterCrs, [FromQuery] string? sortby, [FromQuery] string? f,
        CancellationToken ct)
    {
        var (grant, dataset, scope, refusal) = await ReadableAsync(grantId, collectionId, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        var (request, errors) = ItemsRequest.Parse(Request.Query, dataset!, scope!.Fields);
        if (request is null)
        {
            return this.Invalid(errors);
        }
        if (request.Format == "html")
        {
            return this.Invalid("f", "Grants are read as json (GeoJSON) or csv.");
        }
        var (actor, query) = (User.Actor(), Request.QueryString.Value);
        return FeatureReads.Items(this, dataSource, counts, dataset!, scope, request,
            (records, done) => grants.RecordReadAsync(grant!, actor, collectionId, "items", records, scope.Fields, query, done));
    }

    /// <summary>One granted feature by its id (404 when it lies outside the grant's rows).</summary>
    /// <param name="grantId">The grant.</param>
    /// <param name="collectionId">A dataset of the grant.</param>
    /// <param name="featureId">The feature's id.</param>
    /// <param name="crs">CRS of the geometry, as a URI (default CRS84).</param>
    /// <param name="f">json (default).</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("{grantId:guid}/collections/{collectionId}/items/{featureId}", Name = "GetGrantItem")]
    [ChecksOwnQuery]
    [ProducesResponseType<FeatureDocument>(StatusCodes.Status200OK, "application/geo+json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    public async Task<IActionResult> GetItem(Guid grantId, string collectionId, string featureId, [FromQuery] string? crs, [FromQuery] string? f, CancellationToken ct)
    {
        var (grant, dataset, scope, refusal) = await ReadableAsync(grantId, collectionId, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        var (request, errors) = ItemsRequest.Parse(Request.Query, dataset!, scope!.Fields, oneFeature: true);
        if (request is null)
        {
            return this.Invalid(errors);
        }
        var feature = FeatureReads.Key(dataset!, featureId) is { } key ? await FeatureReads.OneAsync(dataSource, dataset!, scope, request, key, ct) : null;
        await grants.RecordReadAsync(grant!, User.Actor(), collectionId, "item", feature is null ? 0 : 1, scope.Fields, $"id={featureId}", ct);
        return feature is null
            ? Problem(statusCode: 404, title: "Unknown feature", detail: $"Grant {grantId} gives no feature '{featureId}' of '{collectionId}'.")
            : FeatureReads.FeatureDocument(Request, dataset!, request, feature);
    }

    /// <summary>The file of a one-off extract of the grant, while the grant is active and the file has not expired (410 once it has).</summary>
    [HttpGet("{grantId:guid}/extractions/{extractionId:guid}/file", Name = "GetGrantExtractionFile")]
    [ProducesResponseType<FileResult>(StatusCodes.Status200OK, ExtractionFormats.GeoJsonType, ExtractionFormats.CsvType, ExtractionFormats.GeoPackageType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status410Gone, "application/problem+json")]
    public async Task<IActionResult> ExtractFile(Guid grantId, Guid extractionId, CancellationToken ct)
    {
        var (grant, refusal) = await ActiveForCallerAsync(grantId, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        if (await extractions.FindAsync(extractionId, ct) is not { } job || job.GrantId != grantId)
        {
            return Problem(statusCode: 404, title: "Unknown extract", detail: $"Grant {grantId} has no extract {extractionId}.");
        }
        if (job.Status == "expired" || (job.Status == "done" && !System.IO.File.Exists(extractions.PathOf(job))))
        {
            return Problem(statusCode: 410, title: "Expired", detail: $"The file of extract {extractionId} expired at {job.ExpiresAt:u}.");
        }
        if (job.Status != "done")
        {
            return Problem(statusCode: 409, title: "Not ready", detail: $"Extract {extractionId} is {job.Status}{(job.Error is { } e ? $": {e}" : "")}.");
        }
        var dataset = (await catalogue.FindAsync(job.Dataset, ct))!;
        await grants.RecordReadAsync(grant!, User.Actor(), job.Dataset, "extract", job.RowsWritten,
            dataset.Fields.Where(f => job.Fields.Contains(f.Name)).ToList(), $"extraction={extractionId}", ct);
        var format = ExtractionFormats.Of(job);
        Response.Headers.CacheControl = "no-store";
        return PhysicalFile(extractions.PathOf(job), format.MediaType, $"{job.Dataset}-{job.Id}.{format.Extension}");
    }

    private async Task<Grant?> VisibleAsync(Guid grantId, CancellationToken ct) =>
        await grants.FindAsync(grantId, ct) is { } grant && SharingCaller.Of(User).Sees(grant.GranteeUnit, grant.Datasets) ? grant : null;

    /// <summary>The grant when the caller belongs to the grantee unit and the grant is active now, within its rate limit.</summary>
    private async Task<(Grant? Grant, IActionResult? Refusal)> ActiveForCallerAsync(Guid grantId, CancellationToken ct)
    {
        if (await VisibleAsync(grantId, ct) is not { } grant)
        {
            return (null, UnknownGrant(grantId));
        }
        if (User.UnitCode() != grant.GranteeUnit)
        {
            return (null, Refused("Not the grantee", $"Only the accounts and clients of {grant.GranteeUnit} read through grant {grantId}.", "not-grantee"));
        }
        var status = grant.StatusAt(grants.Now);
        if (status != "active")
        {
            return (null, status switch
            {
                "revoked" => Refused("Grant revoked", $"Grant {grantId} was revoked at {grant.RevokedAt:u}: {grant.RevocationReason}", status),
                "scheduled" => Refused("Grant not yet valid", $"Grant {grantId} is valid from {grant.ValidFrom:u}.", status),
                _ => Refused("Grant expired", $"Grant {grantId} ended at {grant.ValidTo:u}; file a new request to go on.", status),
            });
        }
        if (await grants.RateLimitedAsync(grant, ct) is { } seconds)
        {
            Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (null, Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                detail: $"Grant {grantId} allows {grant.RateLimitPerHour} requests per hour; try again after the time in Retry-After."));
        }
        Response.Headers.CacheControl = "no-store"; // personal data is not kept in caches
        return (grant, null);
    }

    private async Task<(Grant? Grant, Dataset? Dataset, ReadScope? Scope, IActionResult? Refusal)> ReadableAsync(Guid grantId, string collectionId, CancellationToken ct)
    {
        var (grant, refusal) = await ActiveForCallerAsync(grantId, ct);
        if (refusal is not null)
        {
            return (null, null, null, refusal);
        }
        if (grant!.Delivery != "api" || grant.Scope.For(collectionId) is not { } part || await catalogue.FindAsync(collectionId, ct) is not { } dataset)
        {
            return (null, null, null, Problem(statusCode: 404, title: "Unknown collection",
                detail: grant.Delivery != "api"
                    ? $"Grant {grantId} is delivered as a one-off extract, not read through the API."
                    : $"Grant {grantId} does not cover '{collectionId}'. It covers: {string.Join(", ", grant.Datasets)}."));
        }
        return (grant, dataset, await GrantScopes.ReadScopeAsync(dataSource, part, dataset, ct), null);
    }

    private ObjectResult Refused(string title, string detail, string status)
    {
        var result = Problem(statusCode: StatusCodes.Status403Forbidden, title: title, detail: detail);
        ((ProblemDetails)result.Value!).Extensions["grantStatus"] = status;
        return result;
    }

    private ObjectResult UnknownGrant(Guid id) =>
        Problem(statusCode: 404, title: "Unknown grant", detail: $"There is no grant {id} that you can see.");
}
