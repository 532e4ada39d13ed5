using System.Globalization;
using System.Text.Json.Nodes;

namespace DataHub.Tests.Submissions;

/// <summary>Parcel features in the exchange structure, placed in the sample province's last commune (25397).</summary>
public static class Parcels
{
    public const string Commune = "25397";

    /// <summary>A 20 m x 25 m parcel at E 590000 + 20 * n, N 1300000 (EPSG:9212), sheet 900.</summary>
    public static JsonObject Feature(int n, string purpose = "ONT", decimal? area = null, int sheet = 900)
    {
        var x = 590000 + 20 * n;
        var size = area ?? 500m;
        return new JsonObject
        {
            ["type"] = "Feature",
            ["id"] = $"rec-{n}",
            ["geometry"] = new JsonObject
            {
                ["type"] = "MultiPolygon",
                ["coordinates"] = JsonNode.Parse(string.Create(CultureInfo.InvariantCulture,
                    $"[[[[{x},1300000],[{x + 20},1300000],[{x + 20},1300025],[{x},1300025],[{x},1300000]]]]")),
            },
            ["properties"] = new JsonObject
            {
                ["commune_code"] = Commune,
                ["map_sheet"] = sheet,
                ["parcel_no"] = n,
                ["area_m2"] = size,
                ["registered_on"] = "2021-09-03",
                ["land_uses"] = new JsonArray(new JsonObject
                {
                    ["purpose_code"] = purpose, ["area_m2"] = size, ["long_term"] = true, ["origin_code"] = "CNQ", ["is_main"] = true,
                }),
            },
        };
    }

    /// <summary>The same parcel laid on a grid (200 per row), for batches of many thousands.</summary>
    public static JsonObject GridFeature(int n, int sheet)
    {
        var feature = Feature(n + 1, sheet: sheet);
        var (x, y) = (590000 + 20 * (n % 200), 1300000 + 25 * (n / 200));
        feature["geometry"]!["coordinates"] = JsonNode.Parse(string.Create(CultureInfo.InvariantCulture,
            $"[[[[{x},{y}],[{x + 20},{y}],[{x + 20},{y + 25}],[{x},{y + 25}],[{x},{y}]]]]"));
        return feature;
    }

    /// <summary>
    /// A collection without a crs member (so WGS 84) of one 20 m x 25 m parcel on <paramref name="sheet"/>,
    /// the one at E 590000, N 1300100 (EPSG:9212), its corners transformed by PostGIS.
    /// </summary>
    public static async Task<string> Wgs84CollectionAsync(DataHub.Tests.Infrastructure.SeededHubFixture hub, int sheet)
    {
        var corners = await hub.ScalarAsync<double[]>("""
            select array[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)]
            from (select ST_Transform(ST_MakeEnvelope(590000, 1300100, 590020, 1300125, 9212), 4326) b) x
            """);
        var feature = Feature(1, sheet: sheet);
        feature["geometry"] = JsonNode.Parse(FormattableString.Invariant(
            $$"""{"type":"Polygon","coordinates":[[[{{corners[0]}},{{corners[1]}}],[{{corners[2]}},{{corners[1]}}],[{{corners[2]}},{{corners[3]}}],[{{corners[0]}},{{corners[3]}}],[{{corners[0]}},{{corners[1]}}]]]}"""));
        return new JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray(feature) }.ToJsonString();
    }

    public static string Collection(params JsonObject[] features) => new JsonObject
    {
        ["type"] = "FeatureCollection",
        ["crs"] = new JsonObject { ["type"] = "name", ["properties"] = new JsonObject { ["name"] = "urn:ogc:def:crs:EPSG::9212" } },
        ["features"] = new JsonArray(features),
    }.ToJsonString();
}
