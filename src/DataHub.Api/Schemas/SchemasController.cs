using Microsoft.AspNetCore.Authorization;
using Asp.Versioning;
using DataHub.Api.Collections;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.Schemas;

/// <summary>
/// The exchange structures: the JSON Schemas that submissions conform to and that default sharing
/// publishes, one file per dataset and version. The catalogue links each dataset to its own.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/schemas")]
[Tags("Exchange structures")]
[AllowAnonymous]
public sealed class SchemasController(ExchangeStructures structures) : ControllerBase
{
    /// <summary>Every published exchange structure (dataset and version) and the shared parts they refer to.</summary>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet(Name = "GetSchemas")]
    [ProducesResponseType<SchemaList>(StatusCodes.Status200OK, "application/json")]
    public async Task<ActionResult<SchemaList>> GetSchemas(CancellationToken ct)
    {
        var root = $"{OgcLinks.Base(Request)}/api/v1/schemas";
        var schemas = new List<SchemaEntry>();
        var shared = new List<SharedSchemaEntry>();
        foreach (var file in structures.All())
        {
            var (id, title) = await ExchangeStructures.HeaderAsync(file, ct);
            if (file.Dataset is { } dataset)
            {
                schemas.Add(new SchemaEntry(dataset, file.Version, id, title, $"{root}/{dataset}/{file.Version}"));
            }
            else
            {
                shared.Add(new SharedSchemaEntry(file.Name!, file.Version, id, title, $"{root}/{ExchangeStructures.Common}/{file.Version}/{file.Name}"));
            }
        }
        return new SchemaList(schemas, shared, [new OgcLink(root, "self", OgcLinks.Json, "The exchange structures")]);
    }

    /// <summary>One dataset's exchange structure (JSON Schema 2020-12) in one version.</summary>
    /// <param name="dataset">The dataset, e.g. parcels.</param>
    /// <param name="schemaVersion">The structure's version, e.g. v1.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("{dataset}/{schemaVersion}", Name = "GetSchema")]
    [ProducesResponseType<object>(StatusCodes.Status200OK, ExchangeStructures.MediaType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetSchema(string dataset, string schemaVersion, CancellationToken ct) =>
        structures.Find(dataset, schemaVersion) is { } file
            ? await ContentAsync(file, ct)
            : Problem(statusCode: 404, title: "Unknown exchange structure",
                detail: $"There is no exchange structure '{dataset}' version '{schemaVersion}'. The published ones are listed at /api/v1/schemas.");

    /// <summary>A part shared by the exchange structures (such as the GeoJSON geometries), referred to by its $id.</summary>
    /// <param name="schemaVersion">The part's version, e.g. v1.</param>
    /// <param name="name">The part, e.g. geometry.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("common/{schemaVersion}/{name}", Name = "GetSharedSchema")]
    [ProducesResponseType<object>(StatusCodes.Status200OK, ExchangeStructures.MediaType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetSharedSchema(string schemaVersion, string name, CancellationToken ct) =>
        structures.FindShared(schemaVersion, name) is { } file
            ? await ContentAsync(file, ct)
            : Problem(statusCode: 404, title: "Unknown shared schema",
                detail: $"There is no shared schema '{name}' version '{schemaVersion}'. The published ones are listed at /api/v1/schemas.");

    private static async Task<IActionResult> ContentAsync(SchemaFile file, CancellationToken ct) => new ContentResult
    {
        ContentType = ExchangeStructures.MediaType + "; charset=utf-8",
        Content = await System.IO.File.ReadAllTextAsync(file.Path, ct),
    };
}

public sealed record SchemaEntry(string Dataset, string Version, string? Id, string? Title, string Href);

public sealed record SharedSchemaEntry(string Name, string Version, string? Id, string? Title, string Href);

public sealed record SchemaList(IReadOnlyList<SchemaEntry> Schemas, IReadOnlyList<SharedSchemaEntry> Shared, IReadOnlyList<OgcLink> Links);
