using DataHub.Api.Infrastructure.Api;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DataHub.Api.Land;
using NetTopologySuite.Geometries;

namespace DataHub.Api.Submissions;

/// <summary>A parcel record read from a submission, staged under its record index.</summary>
public sealed record StagedParcel(ParcelRow Parcel, IReadOnlyList<LandUseRow> LandUses, bool Retired);

/// <summary>
/// Turns one GeoJSON feature of the parcels exchange structure into staging rows, reporting
/// each problem with the record's index and the JSON path of the field. Shape and types are
/// checked here (the JSON Schema is the contract); rules that need the database (codes valid
/// on a date, units, duplicates, geometry validity) are checked in SQL over the whole batch.
/// </summary>
public static partial class ParcelRecords
{
    public const int MaxLandUses = 999; // land-use staging ids are record * 1000 + position

    private static readonly HashSet<string> Known =
        ["commune_code", "map_sheet", "parcel_no", "area_m2", "legal_area_m2", "address", "old_commune_code",
         "old_map_sheet", "old_parcel_no", "registered_on", "land_uses", "retired"];

    public static StagedParcel? Read(int index, JsonElement feature, int srid, ProblemList problems)
    {
        var before = problems.Count;
        // Made once per record and only used on a problem: a delegate made at each call, the
        // feature's id as text and each land use's path were most of what a valid record allocated.
        Action<string, string> problem = (path, message) => problems.Add(new SubmissionProblem(index,
            feature.ValueKind == JsonValueKind.Object && feature.TryGetProperty("id", out var id) ? id.ToString() : null, path, message));

        if (feature.ValueKind != JsonValueKind.Object || !feature.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || !type.ValueEquals("Feature"u8))
        {
            problem("", "A record must be a GeoJSON Feature (an object with \"type\": \"Feature\").");
            return null;
        }
        if (!feature.TryGetProperty("properties", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            problem("properties", "The feature has no properties object.");
            return null;
        }
        foreach (var property in p.EnumerateObject())
        {
            if (!IsKnown(property))
            {
                problem($"properties.{property.Name}", $"Unknown property '{property.Name}' (the parcels structure has: {string.Join(", ", Known)}).");
            }
        }

        var commune = Text(p, "commune_code", required: true, problem, CommuneCode(), "a 5-digit commune code");
        var sheet = Integer(p, "map_sheet", required: true, problem);
        var number = Integer(p, "parcel_no", required: true, problem);
        var retired = p.TryGetProperty("retired", out var r) && r.ValueKind == JsonValueKind.True;
        if (retired)
        {
            // A retirement names the parcel; nothing else is needed.
            return problems.Count > before ? null : new StagedParcel(
                new ParcelRow(index, commune!, (int)sheet!, (int)number!, 1, null, null, null, null, null, DateOnly.MinValue, Empty), [], true);
        }
        var area = Number(p, "area_m2", required: true, problem);
        var legal = Number(p, "legal_area_m2", required: false, problem);
        var address = Text(p, "address", required: false, problem, null, null);
        var oldCommune = Text(p, "old_commune_code", required: false, problem, CommuneCode(), "a 5-digit commune code");
        var oldSheet = Integer(p, "old_map_sheet", required: false, problem);
        var oldNumber = Integer(p, "old_parcel_no", required: false, problem);
        var registered = Date(p, "registered_on", required: true, problem);

        var uses = new List<LandUseRow>();
        if (!p.TryGetProperty("land_uses", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            problem("properties.land_uses", "land_uses must be a non-empty array of the parcel's land uses.");
        }
        else if (list.GetArrayLength() > MaxLandUses)
        {
            problem("properties.land_uses", $"At most {MaxLandUses} land uses per parcel.");
        }
        else
        {
            var n = 0;
            foreach (var use in list.EnumerateArray())
            {
                var position = n;
                string At() => $"properties.land_uses[{position}]";
                Action<string, string> useProblem = (path, message) => problem(At() + path[path.IndexOf('.', StringComparison.Ordinal)..], message);
                if (use.ValueKind != JsonValueKind.Object)
                {
                    problem(At(), "A land use must be an object.");
                    n++;
                    continue;
                }
                var purpose = Text(use, "purpose_code", required: true, useProblem, PurposeCode(), "a 3-letter purpose code");
                var useArea = Number(use, "area_m2", required: true, useProblem);
                var longTerm = Boolean(use, "long_term", required: true, useProblem);
                var until = Date(use, "use_until", required: false, useProblem);
                var origin = Text(use, "origin_code", required: true, useProblem, null, null);
                var main = Boolean(use, "is_main", required: true, useProblem);
                if (longTerm == false && until is null && use.TryGetProperty("long_term", out _))
                {
                    problem($"{At()}.use_until", "A land use that is not long-term needs use_until.");
                }
                if (purpose is not null && useArea is not null && longTerm is not null && origin is not null && main is not null)
                {
                    uses.Add(new LandUseRow(index * 1000L + n, index, purpose, useArea.Value, longTerm.Value, until, origin, main.Value));
                }
                n++;
            }
            // Rules of one record alone are checked here, on the checking threads, rather than in SQL.
            if (uses.Count == n)
            {
                var mains = uses.Count(u => u.IsMain);
                if (mains != 1)
                {
                    problem("properties.land_uses", $"A parcel has exactly one main land use; this one has {mains}.");
                }
                if (area is { } parcelArea && uses.Sum(u => u.AreaM2) is var total && Math.Abs(total - parcelArea) > 0.5m)
                {
                    problem("properties.land_uses", string.Create(CultureInfo.InvariantCulture, $"The land uses add up to {total} m², the parcel has {parcelArea} m²."));
                }
            }
        }

        MultiPolygon? geometry = null;
        if (!feature.TryGetProperty("geometry", out var g) || g.ValueKind != JsonValueKind.Object)
        {
            problem("geometry", "The parcel needs a Polygon or MultiPolygon geometry.");
        }
        else
        {
            try
            {
                geometry = FeatureGeometry.Parse(g) switch
                {
                    MultiPolygon m => m,
                    Polygon polygon => new MultiPolygon([polygon]),
                    { } other => Fail(other.GeometryType),
                    null => Fail("null"),
                };
                MultiPolygon? Fail(string kind)
                {
                    problem("geometry", $"A parcel's geometry must be a Polygon or MultiPolygon, not {kind}.");
                    return null;
                }
            }
            catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or FormatException)
            {
                problem("geometry", $"The geometry is not valid GeoJSON: {e.Message}");
            }
        }
        if (geometry is not null)
        {
            geometry.SRID = srid;
        }

        if (problems.Count > before)
        {
            return null;
        }
        return new StagedParcel(new ParcelRow(index, commune!, (int)sheet!, (int)number!, area!.Value, legal, address, oldCommune,
            oldSheet is null ? null : (int)oldSheet, oldNumber is null ? null : (int)oldNumber, registered!.Value, geometry!), uses, false);
    }

    private static readonly MultiPolygon Empty = new([]);

    private static readonly byte[][] KnownUtf8 = [.. Known.Select(System.Text.Encoding.UTF8.GetBytes)];

    // The name's bytes as written, against the known names: reading it as a string allocated one
    // per property of every record. A name written with escapes is read as text.
    private static bool IsKnown(JsonProperty property)
    {
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.IndexOf((byte)'\\') >= 0)
        {
            return Known.Contains(property.Name);
        }
        foreach (var name in KnownUtf8)
        {
            if (raw.SequenceEqual(name))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Present(JsonElement o, string name, bool required, Action<string, string> problem, out JsonElement value)
    {
        if (o.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }
        if (required)
        {
            problem($"properties.{name}", $"{name} is required.");
        }
        return false;
    }

    // Generated at build time: Regex.IsMatch(text, pattern) ran the regex interpreter for every
    // record on the checking threads.
    [GeneratedRegex("^[0-9]{5}$")]
    private static partial Regex CommuneCode();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex PurposeCode();

    private static string? Text(JsonElement o, string name, bool required, Action<string, string> problem, Regex? pattern, string? what)
    {
        if (!Present(o, name, required, problem, out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.String)
        {
            problem($"properties.{name}", $"{name} must be a string, not {v.ValueKind.ToString().ToLowerInvariant()} {v.GetRawText()}.");
            return null;
        }
        var text = v.GetString()!;
        if (pattern is not null && !pattern.IsMatch(text))
        {
            problem($"properties.{name}", $"{name} '{text}' is not {what}.");
            return null;
        }
        return text;
    }

    private static long? Integer(JsonElement o, string name, bool required, Action<string, string> problem)
    {
        if (!Present(o, name, required, problem, out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n) || n < 1 || n > int.MaxValue)
        {
            problem($"properties.{name}", $"{name} must be a positive integer, not {v.GetRawText()}.");
            return null;
        }
        return n;
    }

    private static decimal? Number(JsonElement o, string name, bool required, Action<string, string> problem)
    {
        if (!Present(o, name, required, problem, out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var d) || d <= 0 || d > 1_000_000_000)
        {
            problem($"properties.{name}", $"{name} must be a positive number of square metres, not {v.GetRawText()}.");
            return null;
        }
        return Math.Round(d, 1);
    }

    private static bool? Boolean(JsonElement o, string name, bool required, Action<string, string> problem)
    {
        if (!Present(o, name, required, problem, out var v))
        {
            return null;
        }
        if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            problem($"properties.{name}", $"{name} must be true or false, not {v.GetRawText()}.");
            return null;
        }
        return v.GetBoolean();
    }

    private static DateOnly? Date(JsonElement o, string name, bool required, Action<string, string> problem)
    {
        if (!Present(o, name, required, problem, out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.String
            || !IsoDate.TryParse(v.GetString(), out var day))
        {
            problem($"properties.{name}", $"{name} must be a date written YYYY-MM-DD, not {v.GetRawText()}.");
            return null;
        }
        return day;
    }
}
