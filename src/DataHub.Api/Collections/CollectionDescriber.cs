using System.Collections.Concurrent;
using System.Globalization;
using DataHub.Api.Infrastructure.Database;
using Npgsql;

namespace DataHub.Api.Collections;

/// <summary>
/// Builds a collection's description. Extents need a pass over the data, so they are kept per
/// dataset version: recomputed only after the data changed.
/// </summary>
public sealed class CollectionDescriber(NpgsqlDataSource dataSource, Catalogue catalogue)
{
    private readonly ConcurrentDictionary<string, (string Version, Extent? Extent)> extents = new();

    public async Task<CollectionDocument> DescribeAsync(Dataset d, HttpRequest request, CancellationToken ct)
    {
        var self = $"{OgcLinks.Base(request)}{request.PathBase}/api/v1/collections/{d.Id}";
        var links = new List<OgcLink>
        {
            new(self, "self", OgcLinks.Json, "This collection"),
            new($"{self}?f=html", "alternate", OgcLinks.Html, "This collection as HTML"),
            new($"{self}/items", "items", OgcLinks.GeoJson, "Features"),
            new($"{self}/items?f=html", "items", OgcLinks.Html, "Features as HTML"),
            new($"{self}/items?f=csv", "items", OgcLinks.Csv, "Features as CSV"),
            new($"{self}/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json", "Queryables"),
            new($"{OgcLinks.Base(request)}/api/v1/datasets/{d.Id}", "describedby", OgcLinks.Json, "Catalogue entry"),
        };
        if (d.SchemaUri is { } schema)
        {
            links.Add(new(OgcLinks.Base(request) + schema, "describedby", "application/schema+json", "Exchange structure"));
        }
        return new CollectionDocument(d.Id, d.TitleEn, d.DescriptionEn, links, await ExtentAsync(d, ct),
            "feature", d.IsSpatial ? CrsRegistry.Supported.Select(c => c.Uri).ToList() : [],
            d.StorageSrid is { } srid ? CrsRegistry.UriOf(srid) : null, d.Keywords, d.TitleVi, d.DescriptionVi);
    }

    public async Task<Extent?> ExtentAsync(Dataset d, CancellationToken ct)
    {
        var (version, _) = await catalogue.VersionAsync(d, ct);
        if (extents.TryGetValue(d.Id, out var known) && known.Version == version)
        {
            return known.Extent;
        }
        var relation = SqlBuilder.Relation(d.SourceRelation);
        var spatial = d.GeometryColumn is { } g
            ? $"ST_Transform(ST_SetSRID(ST_Extent({SqlBuilder.Identifier(g)})::geometry, {d.StorageSrid}), 4326)"
            : "null::geometry";
        var temporal = d.TemporalColumn is { } t ? SqlBuilder.Identifier(t) : "null::date";
        await using var command = dataSource.CreateCommand($"""
            select ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), lo::text, hi::text
            from (select {spatial} as e, min({temporal}) as lo, max({temporal}) as hi from {relation}) x
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        SpatialExtent? box = reader.IsDBNull(0) ? null : new SpatialExtent(
            [[Math.Round(reader.GetDouble(0), 6), Math.Round(reader.GetDouble(1), 6), Math.Round(reader.GetDouble(2), 6), Math.Round(reader.GetDouble(3), 6)]],
            CrsRegistry.Crs84Uri);
        TemporalExtent? time = reader.IsDBNull(4) ? null : new TemporalExtent(
            [[Instant(reader.GetString(4)), Instant(reader.GetString(5))]], "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian");
        var extent = box is null && time is null ? null : new Extent(box, time);
        extents[d.Id] = (version, extent);
        return extent;
    }

    private static string Instant(string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)
            : value;
}
