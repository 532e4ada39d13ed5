using System.Globalization;
using System.Text.Json.Nodes;

namespace DataHub.Tests.Submissions;

/// <summary>
/// Planning zones and prices in exchange structure v2, placed east of the sample province's last
/// commune (25397) in EPSG:9212 so that they never touch the seeded zones. Each test uses its own
/// plan or price table code, so test classes sharing a seeded hub do not see each other's rows.
/// </summary>
public static class Zones
{
    public const string Commune = "25397";

    /// <summary>A 100 m square at E 591000 + 200 * n, N 1301000.</summary>
    public static JsonObject Square(int n)
    {
        var x = 591000 + 200 * n;
        return new JsonObject
        {
            ["type"] = "Polygon",
            ["coordinates"] = JsonNode.Parse(string.Create(CultureInfo.InvariantCulture,
                $"[[[{x},1301000],[{x + 100},1301000],[{x + 100},1301100],[{x},1301100],[{x},1301000]]]")),
        };
    }

    public static JsonObject Planning(string plan, string zone, int n = 0, string kind = "quy-hoach", string purpose = "ONT",
        int from = 2021, int to = 2030, string unit = Commune) => new()
    {
        ["type"] = "Feature",
        ["id"] = $"{plan}/{zone}",
        ["geometry"] = Square(n),
        ["properties"] = new JsonObject
        {
            ["plan_code"] = plan, ["zone_code"] = zone, ["plan_kind"] = kind, ["planned_purpose_code"] = purpose,
            ["period_from"] = from, ["period_to"] = to, ["unit_code"] = unit, ["approved_by"] = "QĐ 1/QĐ-UBND (test)",
        },
    };

    /// <summary>A price along a 200 m road segment at E 591000 + 200 * n, N 1302000.</summary>
    public static JsonObject Price(string table, string zone, int position = 1, long price = 5_000_000, string landType = "ONT",
        string from = "2025-01-01", string? to = null, string unit = Commune, int n = 0)
    {
        var x = 591000 + 200 * n;
        var properties = new JsonObject
        {
            ["price_table"] = table, ["zone_code"] = zone, ["land_type_code"] = landType, ["road_name"] = "Đường Thử",
            ["segment_from"] = "A", ["segment_to"] = "B", ["position"] = position, ["price_per_m2"] = price,
            ["effective_from"] = from, ["unit_code"] = unit,
        };
        if (to is not null)
        {
            properties["effective_to"] = to;
        }
        return new JsonObject
        {
            ["type"] = "Feature",
            ["id"] = $"{table}/{zone}/{position}",
            ["geometry"] = new JsonObject
            {
                ["type"] = "LineString",
                ["coordinates"] = JsonNode.Parse(string.Create(CultureInfo.InvariantCulture, $"[[{x},1302000],[{x + 200},1302000]]")),
            },
            ["properties"] = properties,
        };
    }

    /// <summary>A retirement: the key and "retired": true, no geometry.</summary>
    public static JsonObject Retire(JsonObject feature, params string[] key)
    {
        var properties = new JsonObject { ["retired"] = true };
        foreach (var name in key)
        {
            properties[name] = feature["properties"]![name]!.DeepClone();
        }
        return new JsonObject { ["type"] = "Feature", ["geometry"] = null, ["properties"] = properties };
    }

    /// <summary>A FeatureCollection in EPSG:9212 (of copies: a test may send the same features twice).</summary>
    public static string Collection(params JsonObject[] features) => Parcels.Collection([.. features.Select(f => f.DeepClone().AsObject())]);
}
