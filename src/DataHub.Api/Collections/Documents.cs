using System.Text.Json.Serialization;

namespace DataHub.Api.Collections;

// The JSON documents of OGC API - Features, as the OpenAPI description shows them. Feature
// collections are streamed, not serialised from these types; they document the shape.

public sealed record CollectionsDocument(IReadOnlyList<OgcLink> Links, IReadOnlyList<CollectionDocument> Collections, IReadOnlyList<string> Crs);

public sealed record CollectionDocument(
    string Id, string Title, string Description, IReadOnlyList<OgcLink> Links, Extent? Extent, string ItemType,
    IReadOnlyList<string> Crs, string? StorageCrs, IReadOnlyList<string> Keywords,
    [property: JsonPropertyName("title_vi")] string TitleVi,
    [property: JsonPropertyName("description_vi")] string DescriptionVi);

public sealed record Extent(SpatialExtent? Spatial, TemporalExtent? Temporal);

public sealed record SpatialExtent(IReadOnlyList<double[]> Bbox, string Crs);

public sealed record TemporalExtent(IReadOnlyList<string?[]> Interval, string Trs);

public sealed record FeatureDocument(string Type, object Id, object? Geometry, IReadOnlyDictionary<string, object?> Properties, IReadOnlyList<OgcLink>? Links);

public sealed record FeatureCollectionDocument(
    string Type, IReadOnlyList<FeatureDocument> Features, long NumberMatched, long NumberReturned, string TimeStamp, IReadOnlyList<OgcLink> Links);
