using System.Text.Json;
using System.Text.Json.Serialization;
using DataHub.Api.Collections;

namespace DataHub.Api.DataRequests;

/// <summary>
/// What a request asks for, and what a grant gives: per dataset the fields and rows (a CQL2
/// filter and an area), for a period (whole days, both ends included, in the hub's time zone),
/// with a rate limit (requests per hour; the reviewers set it when they approve).
/// </summary>
public sealed record SharingScope(IReadOnlyList<DatasetScope> Datasets, DateOnly ValidFrom, DateOnly ValidTo, int? RateLimitPerHour)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static SharingScope FromJson(string json) => JsonSerializer.Deserialize<SharingScope>(json, Json)!;

    public DatasetScope? For(string dataset) => Datasets.FirstOrDefault(d => d.Dataset == dataset);
}

/// <summary>One dataset of a scope: exactly these fields (personal ones only when named), the rows matching the filter and lying in the area.</summary>
public sealed record DatasetScope(string Dataset, IReadOnlyList<string> Fields, string? Filter, ScopeAreaSpec? Area)
{
    /// <summary>The collections' ReadScope of this part of a grant: the same query default sharing runs, narrowed.</summary>
    public ReadScope ToReadScope(Dataset dataset, DatasetLocator? locator) => new(
        dataset.Fields.Where(f => Fields.Contains(f.Name)).ToList(),
        Filter,
        Area is { } a ? new ScopeArea(a.Bbox, a.Units, a.Geometry is { ValueKind: JsonValueKind.Object } g ? g.GetRawText() : null, dataset.IsSpatial ? null : locator) : null);
}

/// <summary>An area of a scope, one of: bbox [west, south, east, north] in WGS 84; administrative unit codes; a GeoJSON geometry in WGS 84.</summary>
public sealed record ScopeAreaSpec(double[]? Bbox, IReadOnlyList<string>? Units, JsonElement? Geometry);

/// <summary>A scope as a caller writes it: anything may be missing (fields default to the dataset's non-personal fields).</summary>
public sealed record ScopeInput(IReadOnlyList<DatasetScopeInput>? Datasets, DateOnly? ValidFrom, DateOnly? ValidTo, int? RateLimitPerHour);

public sealed record DatasetScopeInput(string? Dataset, IReadOnlyList<string>? Fields, string? Filter, ScopeAreaSpec? Area);
