using Microsoft.AspNetCore.Authorization;
using Asp.Versioning;
using DataHub.Api.Collections;
using DataHub.Api.Infrastructure.Api;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.Datasets;

/// <summary>
/// The dataset catalogue: what the hub shares, how (by default or only on special request) and
/// every field with its sensitivity. JSON, or DCAT in JSON-LD for catalogue harvesters.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/datasets")]
[Tags("Catalogue")]
[AllowAnonymous]
public sealed class DatasetsController(Catalogue catalogue, CollectionDescriber describer) : ControllerBase
{
    public const string JsonLd = "application/ld+json";

    /// <summary>All datasets. With f=jsonld or Accept: application/ld+json, a DCAT catalogue.</summary>
    /// <param name="f">json (default) or jsonld (DCAT).</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet(Name = "GetDatasets")]
    [ProducesResponseType<DatasetList>(StatusCodes.Status200OK, "application/json", JsonLd)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> GetDatasets([FromQuery] string? f, CancellationToken ct)
    {
        if (FormatProblem(f) is { } problem)
        {
            return problem;
        }
        var entries = new List<DatasetEntry>();
        foreach (var dataset in await catalogue.AllAsync(ct))
        {
            entries.Add(await EntryAsync(dataset, ct));
        }
        var self = $"{OgcLinks.Base(Request)}{Request.Path}";
        if (WantsJsonLd(f))
        {
            return new ContentResult { ContentType = JsonLd, Content = Dcat.Catalog(self, entries, OgcLinks.Base(Request)) };
        }
        return Ok(new DatasetList(entries, [new OgcLink(self, "self", "application/json", "This catalogue"),
            new OgcLink(self + "?f=jsonld", "alternate", JsonLd, "DCAT (JSON-LD)")]));
    }

    /// <summary>One dataset's catalogue entry.</summary>
    /// <param name="datasetId">The dataset.</param>
    /// <param name="f">json (default) or jsonld (DCAT).</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("{datasetId}", Name = "GetDataset")]
    [ProducesResponseType<DatasetEntry>(StatusCodes.Status200OK, "application/json", JsonLd)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetDataset(string datasetId, [FromQuery] string? f, CancellationToken ct)
    {
        if (FormatProblem(f) is { } problem)
        {
            return problem;
        }
        if (await catalogue.FindAsync(datasetId, ct) is not { } dataset)
        {
            return Problem(statusCode: 404, title: "Unknown dataset",
                detail: $"There is no dataset '{datasetId}'. The catalogue is at /api/v1/datasets.");
        }
        var entry = await EntryAsync(dataset, ct);
        if (WantsJsonLd(f))
        {
            return new ContentResult { ContentType = JsonLd, Content = Dcat.Dataset(entry, OgcLinks.Base(Request)) };
        }
        return Ok(entry);
    }

    private async Task<DatasetEntry> EntryAsync(Dataset d, CancellationToken ct)
    {
        var (_, changedAt) = await catalogue.VersionAsync(d, ct);
        var extent = d.DefaultShared ? await describer.ExtentAsync(d, ct) : null; // extents of restricted data are not published
        var root = OgcLinks.Base(Request);
        var links = new List<OgcLink> { new($"{root}/api/v1/datasets/{d.Id}", "self", "application/json", d.TitleEn) };
        if (d.DefaultShared)
        {
            links.Add(new($"{root}/api/v1/collections/{d.Id}", "collection", "application/json", "OGC API - Features collection"));
            links.Add(new($"{root}/api/v1/collections/{d.Id}/items", "items", OgcLinks.GeoJson, "Features (GeoJSON)"));
            links.Add(new($"{root}/api/v1/collections/{d.Id}/items?f=csv", "items", OgcLinks.Csv, "Features (CSV)"));
        }
        if (d.SchemaUri is { } schema)
        {
            links.Add(new(root + schema, "describedby", "application/schema+json", "Exchange structure (JSON Schema)"));
        }
        return new DatasetEntry(d.Id, new Localized(d.TitleVi, d.TitleEn), new Localized(d.DescriptionVi, d.DescriptionEn),
            d.Publisher, d.SharingMode, d.UpdateFrequency, extent, changedAt, d.SchemaUri is null ? null : root + d.SchemaUri,
            d.TermsOfUse, d.Keywords,
            d.Fields.Select(f => new FieldEntry(f.Name, f.Type, f.Sensitivity, new Localized(f.TitleVi, f.TitleEn), f.Queryable, f.CodeList)).ToList(),
            links);
    }

    private bool WantsJsonLd(string? f) =>
        f == "jsonld" || (f is null && Request.Headers.Accept.ToString().Contains(JsonLd, StringComparison.OrdinalIgnoreCase));

    private ActionResult? FormatProblem(string? f) =>
        f is null or "json" or "jsonld" ? null : this.Invalid("f", $"Unknown format '{f}'. Formats: json, jsonld.");
}

public sealed record Localized(string Vi, string En);

public sealed record FieldEntry(string Name, string Type, string Sensitivity, Localized Title, bool Queryable, string? CodeList);

public sealed record DatasetEntry(
    string Id, Localized Title, Localized Description, string Publisher, string SharingMode, string UpdateFrequency,
    Extent? Extent, DateTimeOffset LastUpdated, string? ExchangeStructure, string TermsOfUse, IReadOnlyList<string> Keywords,
    IReadOnlyList<FieldEntry> Fields, IReadOnlyList<OgcLink> Links);

public sealed record DatasetList(IReadOnlyList<DatasetEntry> Datasets, IReadOnlyList<OgcLink> Links);
