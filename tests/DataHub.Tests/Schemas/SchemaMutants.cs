using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataHub.Tests.Schemas;

/// <summary>
/// Deterministic variations of valid records for comparing two validators: every single mutation
/// of every member (dropped, retyped, at and around the schemas' limits), then random pairs of
/// them from a fixed seed, up to a bound. Aimed at the edges the exchange structures draw.
/// </summary>
public static class SchemaMutants
{
    // Written raw where possible (relaxed escaping) so that unescaped UTF-8 is read as such, and
    // escaped where JSON demands it (control characters), so both kinds of string are seen.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Text(JsonNode? node) => node?.ToJsonString(Relaxed) ?? "null";

    private static readonly string[] Numbers =
    [
        "0", "0.0", "-0", "1e-9", "-1e-9", "1", "1.0", "1.5", "-1", "2", "9", "10", "1e2", "1E+2", "0.1",
        "1975", "1976", "1989", "1990", "2100", "2100.0", "2100.5", "2101",
        "2147483647", "2147483648", "99999999999999", "99999999999999.0", "100000000000000", "99999999999999.0000001",
        "10000000000", "10000000000.0", "10000000000.0000001", "100000000000", "100000000001",
        "9223372036854775807", "9223372036854775808", "1e300", "-1e300", "1e400", "1e-400",
    ];

    private static readonly string[] Strings =
    [
        "", "a", "A", "ab", "AB", "ABC", "ABCD", "abc", "ODT", "CNQ", "CNQ-AB", "C", "C1", "DG-KTT", "A-", "X1234567890",
        "12", "123", "1234", "12345", "123456", "12345\n", "1234a", " 12345", "١٢٣٤٥", "１２３４５", "25397", "26500",
        "2024-02-29", "2023-02-29", "2024-13-01", "2024-1-01", "2024-01-01T00:00:00Z", "2024-02-30", "2024-01-01", "0001-01-01",
        "2024-01-01\u0000", "province", "district", "commune", "Province", "ke-hoach", "quy-hoach", "x_y", "Feature", "feature",
        "Polygon", "MultiPolygon", "LineString", "Point", "e\u0301", "\r\n", "DA 123456", "DA123456", "split", "merge", "transfer",
        "A" + new string('x', 49), "A" + new string('x', 50), "A.b/c-d_e",
        new string('x', 199), new string('x', 200), new string('x', 201), new string('x', 300), new string('x', 301),
        new string('x', 500), new string('x', 501), new string('x', 1000), new string('x', 1001),
        string.Concat(Enumerable.Repeat("😀", 100)), string.Concat(Enumerable.Repeat("😀", 101)), string.Concat(Enumerable.Repeat("😀", 200)),
        string.Concat(Enumerable.Repeat("😀", 201)), string.Concat(Enumerable.Repeat("e\u0301", 200)), string.Concat(Enumerable.Repeat("e\u0301", 201)),
        string.Concat(Enumerable.Repeat("Ấ", 201)), "😀", "😀😀", string.Concat(Enumerable.Repeat("\r\n", 201)),
    ];

    private static readonly string[] Others =
    [
        "null", "true", "false", "{}", "[]", "\"x\"", "[1]", "[[1,2]]",
        """{"type":"Point","coordinates":[1,2]}""",
        """{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}""",
        """{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}""",
        """{"type":"Polygon","coordinates":[[[0],[1,0],[1,1],[0]]]}""",
        """{"type":"Polygon","coordinates":[[[0,0,0,0],[1,0],[1,1],[0,0,0,0]]]}""",
        """{"type":"Polygon","coordinates":[[["0","0"],[1,0],[1,1],["0","0"]]]}""",
        """{"type":"Polygon","coordinates":[]}""",
        """{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}""",
        """{"type":"MultiPolygon","coordinates":[[]]}""",
        """{"type":"LineString","coordinates":[[0,0]]}""",
        """{"type":"LineString","coordinates":[[0,0],[1,1]],"bbox":[0,0,1,1]}""",
        """{"type":"MultiLineString","coordinates":[[[0,0],[1,1]]]}""",
        """{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]],"bbox":[0,0,1]}""",
        """{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]],"extra":1}""",
        """{"purpose_code":"ONT","area_m2":1,"long_term":true,"origin_code":"CNQ","is_main":true}""",
        """{"purpose_code":"ONT","area_m2":1,"long_term":false,"origin_code":"CNQ","is_main":false}""",
        """{"purpose_code":"ONT","area_m2":1,"long_term":false,"use_until":"2070-01-01","origin_code":"CNQ","is_main":false}""",
    ];

    /// <summary>
    /// The seeds themselves, single mutations of them (all, or a fixed-seed sample of three
    /// quarters of <paramref name="bound"/> when there are more), then random pairs up to the bound.
    /// </summary>
    public static List<string> Of(IReadOnlyList<JsonNode> seeds, int bound, int seed = 20261126)
    {
        var random = new Random(seed);
        var singles = seeds.Select(s => Paths(s, []).SelectMany(p => At(s, p)).Select(m => m.Apply).Concat(Specials()).ToList()).ToList();
        var all = new HashSet<string>(seeds.Select(Text));
        var chosen = singles.SelectMany((list, i) => list.Select(m => (Seed: i, Apply: m))).ToList();
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(chosen));
        foreach (var (i, apply) in chosen.Take(bound * 3 / 4))
        {
            all.Add(Text(apply(seeds[i].DeepClone())));
        }
        for (var tries = 0; all.Count < bound && tries < bound * 4; tries++)
        {
            var i = random.Next(seeds.Count);
            var once = singles[i][random.Next(singles[i].Count)](seeds[i].DeepClone()) ?? seeds[i].DeepClone();
            // The second mutation is found on the mutant itself, so it can reach into what the first one put there.
            var paths = Paths(once, []).ToList();
            var options = At(once, paths[random.Next(paths.Count)]).ToList();
            all.Add(Text(options.Count == 0 ? once : options[random.Next(options.Count)].Apply(once) ?? once));
        }
        return [.. all];
    }

    private sealed record Mutation(Func<JsonNode, JsonNode?> Apply);

    // A path is the list of member names and indexes from the root.
    private static IEnumerable<object[]> Paths(JsonNode? node, object[] path)
    {
        yield return path;
        if (node is JsonObject obj)
        {
            foreach (var (name, value) in obj)
            {
                foreach (var p in Paths(value, [.. path, name]))
                {
                    yield return p;
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                foreach (var p in Paths(array[i], [.. path, i]))
                {
                    yield return p;
                }
            }
        }
    }

    private static JsonNode? Get(JsonNode? root, object[] path) =>
        path.Aggregate(root, (node, step) => step is string name ? node?[name] : node?[(int)step]);

    private static IEnumerable<Mutation> At(JsonNode root, object[] path)
    {
        var node = Get(root, path);
        if (path.Length > 0)
        {
            var parentPath = path[..^1];
            var step = path[^1];
            if (step is string name)
            {
                yield return new(r => { (Get(r, parentPath) as JsonObject)?.Remove(name); return r; });
            }
            var values = node switch
            {
                JsonValue v when v.GetValueKind() == JsonValueKind.Number => Numbers.Concat(["\"1\"", "null", "true", "{}", "[]"]),
                JsonValue v when v.GetValueKind() == JsonValueKind.String => Strings.Select(s => JsonSerializer.Serialize(s)).Concat(["1", "null", "false", "{}", "[]"]),
                _ => Others.Concat(["0", "1.5", "\"x\""]),
            };
            foreach (var value in values)
            {
                yield return new(r => Replace(r, parentPath, step, JsonNode.Parse(value)));
            }
        }
        if (node is JsonObject)
        {
            yield return new(r => { Get(r, path)!.AsObject()["zz_unknown"] = 1; return r; });
            yield return new(r => { Get(r, path)!.AsObject()["retired"] = true; return r; });
        }
        if (node is JsonArray array && array.Count > 0)
        {
            yield return new(r => { Get(r, path)!.AsArray().Clear(); return r; });
            yield return new(r => { Get(r, path)!.AsArray().RemoveAt(0); return r; });
            yield return new(r => { var a = Get(r, path)!.AsArray(); a.Add(a[^1]?.DeepClone()); return r; });
            yield return new(r => { var a = Get(r, path)!.AsArray(); while (a.Count < 51) { a.Add(a[^1]?.DeepClone()); } return r; });
        }
    }

    private static JsonNode Replace(JsonNode root, object[] parentPath, object step, JsonNode? value)
    {
        var parent = Get(root, parentPath);
        if (step is string name && parent is JsonObject obj)
        {
            obj[name] = value;
        }
        else if (step is int index && parent is JsonArray array && index < array.Count)
        {
            array[index] = value;
        }
        return root;
    }

    /// <summary>Mutations aimed at the rules across members: the main land use, retirement, old numbering.</summary>
    private static IEnumerable<Func<JsonNode, JsonNode?>> Specials()
    {
        JsonObject? Props(JsonNode r) => r["properties"] as JsonObject;
        yield return r => { foreach (var u in (Props(r)?["land_uses"] as JsonArray) ?? []) { u!["is_main"] = true; } return r; };
        yield return r => { foreach (var u in (Props(r)?["land_uses"] as JsonArray) ?? []) { u!["is_main"] = false; } return r; };
        yield return r => { if (Props(r)?["land_uses"] is JsonArray a && a.Count > 0) { a.Add(a[0]!.DeepClone()); } return r; };
        yield return r => { if (Props(r) is { } p) { p["retired"] = true; } return r; };
        yield return r => { if (Props(r) is { } p) { p["retired"] = false; } return r; };
        yield return r => { if (Props(r) is { } p) { p["retired"] = true; r["geometry"] = null; } return r; };
        yield return r =>
        {
            // Only the key and the retirement: what a retiring feature sends.
            if (Props(r) is { } p)
            {
                foreach (var name in p.Select(m => m.Key).ToList().Where(n => n is not ("commune_code" or "map_sheet" or "parcel_no" or "plan_code" or "zone_code" or "price_table" or "position")))
                {
                    p.Remove(name);
                }
                p["retired"] = true;
            }
            r["geometry"] = null;
            return r;
        };
        yield return r => { if (Props(r) is { } p) { p["old_map_sheet"] = 3; } return r; };
        yield return r => { if (Props(r) is { } p) { p["old_parcel_no"] = 4; } return r; };
        yield return r => { if (Props(r) is { } p) { p["old_map_sheet"] = 3; p["old_parcel_no"] = 4; p["old_commune_code"] = "25300"; } return r; };
        yield return r => { r["type"] = "feature"; return r; };
        yield return r => { r["geometry"] = null; return r; };
        yield return r => { if (Props(r) is { } p) { p["level"] = "province"; p["code"] = "25"; p.Remove("parent_code"); } return r; };
        yield return r => { if (Props(r) is { } p) { p["level"] = "district"; p["code"] = "253"; } return r; };
        yield return r => { if (Props(r) is { } p) { p["level"] = "district"; p["code"] = "253"; p["parent_code"] = "253"; } return r; };
        yield return r => { if (Props(r) is { } p) { p["period_from"] = 2030; p["period_to"] = 2020; } return r; };
    }
}
