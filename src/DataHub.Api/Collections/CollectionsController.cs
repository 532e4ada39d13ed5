using DataHub.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using System.Security.Cryptography;
using System.Text;
using Asp.Versioning;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Npgsql;

namespace DataHub.Api.Collections;

/// <summary>
/// OGC API - Features (Part 1 Core, Part 2 CRS, Part 3 Filtering) over the default-shared
/// datasets of the catalogue.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/collections")]
[Tags("Collections (OGC API - Features)")]
[Authorize(Policy = Permissions.DataRead)]
public sealed class CollectionsController(Catalogue catalogue, NpgsqlDataSource dataSource, CollectionDescriber describer, MatchCounts counts) : ControllerBase
{
    /// <summary>The default-shared collections.</summary>
    [HttpGet(Name = "GetCollections")]
    [ProducesResponseType<CollectionsDocument>(StatusCodes.Status200OK, "application/json", "text/html")]
    public async Task<ActionResult<CollectionsDocument>> GetCollections(CancellationToken ct)
    {
        var datasets = (await catalogue.AllAsync(ct)).Where(d => d.DefaultShared).ToList();
        var collections = new List<CollectionDocument>();
        foreach (var dataset in datasets)
        {
            collections.Add(await describer.DescribeAsync(dataset, Request, ct));
        }
        var self = OgcLinks.Base(Request) + Request.Path;
        var document = new CollectionsDocument(
            [new OgcLink(self, "self", OgcLinks.Json, "The collections"), new OgcLink($"{self}?f=html", "alternate", OgcLinks.Html, "The collections as HTML")],
            collections,
            CrsRegistry.Supported.Select(c => c.Uri).ToList());
        return Request.WantsHtml() ? HtmlPages.Collections(Request, document) : document;
    }

    /// <summary>One collection: its extent, CRS and links to its items and queryables.</summary>
    [HttpGet("{collectionId}", Name = "GetCollection")]
    [ProducesResponseType<CollectionDocument>(StatusCodes.Status200OK, "application/json", "text/html")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<CollectionDocument>> GetCollection(string collectionId, CancellationToken ct)
    {
        if (await FindAsync(collectionId, ct) is not { } dataset)
        {
            return UnknownCollection(collectionId);
        }
        var collection = await describer.DescribeAsync(dataset, Request, ct);
        return Request.WantsHtml() ? HtmlPages.Collection(Request, collection) : collection;
    }

    /// <summary>The properties a filter, a sort or a property=value parameter may use (JSON Schema).</summary>
    [HttpGet("{collectionId}/queryables", Name = "GetQueryables")]
    [ProducesResponseType<object>(StatusCodes.Status200OK, "application/schema+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetQueryables(string collectionId, CancellationToken ct)
    {
        if (await FindAsync(collectionId, ct) is not { } dataset)
        {
            return UnknownCollection(collectionId);
        }
        var self = OgcLinks.Base(Request) + Request.Path;
        var properties = ReadScope.DefaultSharing(dataset).Fields.Where(f => f.Queryable).ToDictionary(f => f.Name, f => Queryables.Schema(f));
        return new ContentResult
        {
            ContentType = "application/schema+json",
            Content = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                ["$id"] = self,
                ["type"] = "object",
                ["title"] = dataset.TitleEn,
                ["properties"] = properties,
                ["additionalProperties"] = false,
            }, FeatureCollectionResult.JsonOptions),
        };
    }

    /// <summary>
    /// Features of a collection, streamed as GeoJSON (or CSV with f=csv). Besides the parameters
    /// below, any queryable property may be given as name=value to select equal values.
    /// </summary>
    /// <param name="collectionId">The collection (see /collections).</param>
    /// <param name="limit">Features per page: default 10, at most 10,000 (larger values are clamped).</param>
    /// <param name="offset">Features to skip (paging; the next and prev links carry it).</param>
    /// <param name="bbox">minx,miny,maxx,maxy in bbox-crs (default CRS84 longitude/latitude).</param>
    /// <param name="bboxCrs">CRS of bbox, as a URI.</param>
    /// <param name="datetime">An RFC 3339 instant or interval (start/end, '..' for open) on the collection's temporal property.</param>
    /// <param name="crs">CRS of the response geometries, as a URI (default CRS84).</param>
    /// <param name="filter">A CQL2 text filter over the queryables.</param>
    /// <param name="filterLang">cql2-text (the only one supported).</param>
    /// <param name="filterCrs">CRS of geometries in the filter (default CRS84).</param>
    /// <param name="sortby">Comma-separated properties, '-' for descending.</param>
    /// <param name="f">json (GeoJSON, default), csv or html.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("{collectionId}/items", Name = "GetItems")]
    [ChecksOwnQuery]
    [ProducesResponseType<FeatureCollectionDocument>(StatusCodes.Status200OK, "application/geo+json", "text/csv", "text/html")]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetItems(
        string collectionId, [FromQuery] string? limit, [FromQuery] string? offset, [FromQuery] string? bbox,
        [FromQuery(Name = "bbox-crs")] string? bboxCrs, [FromQuery] string? datetime, [FromQuery] string? crs,
        [FromQuery] string? filter, [FromQuery(Name = "filter-lang")] string? filterLang,
        [FromQuery(Name = "filter-crs")] string? filterCrs, [FromQuery] string? sortby, [FromQuery] string? f,
        CancellationToken ct)
    {
        if (await FindAsync(collectionId, ct) is not { } dataset)
        {
            return UnknownCollection(collectionId);
        }
        var scope = ReadScope.DefaultSharing(dataset);
        var visible = scope.Fields;
        var (request, errors) = ItemsRequest.Parse(Request.Query, dataset, visible);
        if (request is null)
        {
            return this.Invalid(errors);
        }
        // The page's script fetches this URL's JSON: the HTML is a frame that needs no query.
        if (Request.WantsHtml())
        {
            return HtmlPages.Items(Request, dataset, visible);
        }
        if (await NotModifiedAsync(dataset, ct) is { } notModified)
        {
            return notModified;
        }

        return FeatureReads.Items(this, dataSource, counts, dataset, scope, request);
    }

    /// <summary>One feature by its id.</summary>
    /// <param name="collectionId">The collection.</param>
    /// <param name="featureId">The feature's id (an integer for most collections).</param>
    /// <param name="crs">CRS of the geometry, as a URI (default CRS84).</param>
    /// <param name="f">json (default) or html.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("{collectionId}/items/{featureId}", Name = "GetItem")]
    [ChecksOwnQuery]
    [ProducesResponseType<FeatureDocument>(StatusCodes.Status200OK, "application/geo+json", "text/html")]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetItem(string collectionId, string featureId, [FromQuery] string? crs, [FromQuery] string? f, CancellationToken ct)
    {
        if (await FindAsync(collectionId, ct) is not { } dataset)
        {
            return UnknownCollection(collectionId);
        }
        var scope = ReadScope.DefaultSharing(dataset);
        var visible = scope.Fields;
        var (request, errors) = ItemsRequest.Parse(Request.Query, dataset, visible, oneFeature: true);
        if (request is null)
        {
            return this.Invalid(errors);
        }
        if (FeatureReads.Key(dataset, featureId) is not { } key)
        {
            return UnknownFeature(dataset, featureId);
        }
        if (await NotModifiedAsync(dataset, ct) is { } notModified)
        {
            return notModified;
        }
        if (await FeatureReads.OneAsync(dataSource, dataset, scope, request, key, ct) is not { } feature)
        {
            return UnknownFeature(dataset, featureId);
        }
        // Only now, so that an unknown feature is a 404 for browsers too.
        if (Request.WantsHtml())
        {
            return HtmlPages.Item(Request, dataset, visible, featureId);
        }
        return FeatureReads.FeatureDocument(Request, dataset, request, feature);
    }

    private async Task<Dataset?> FindAsync(string id, CancellationToken ct) =>
        await catalogue.FindAsync(id, ct) is { DefaultShared: true } dataset ? dataset : null;

    /// <summary>
    /// ETag from the dataset's change counter and the exact request: unchanged data and the same
    /// query answer 304 without touching the data.
    /// </summary>
    private async Task<IActionResult?> NotModifiedAsync(Dataset dataset, CancellationToken ct)
    {
        var (version, changedAt) = await catalogue.VersionAsync(dataset, ct);
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Request.Path}{Request.QueryString}|{Request.Headers.Accept}")))[..16];
        var etag = new EntityTagHeaderValue($"\"{version}-{digest}\"", isWeak: true);
        Response.Headers.ETag = etag.ToString();
        Response.Headers.LastModified = changedAt.ToString("R");
        Response.Headers.CacheControl = "no-cache"; // always revalidate: the ETag makes that cheap
        var match = Request.GetTypedHeaders().IfNoneMatch;
        return match.Any(m => m.Compare(etag, useStrongComparison: false) || m.Equals(EntityTagHeaderValue.Any))
            ? StatusCode(StatusCodes.Status304NotModified)
            : null;
    }

    private ObjectResult UnknownCollection(string id) => NotFoundProblem("Unknown collection",
        $"There is no collection '{id}'. The collections are listed at /api/v1/collections.");

    private ObjectResult UnknownFeature(Dataset dataset, string id) => NotFoundProblem("Unknown feature",
        $"Collection '{dataset.Id}' has no feature '{id}'.");

    private ObjectResult NotFoundProblem(string title, string detail) => Problem(statusCode: 404, title: title, detail: detail);
}
