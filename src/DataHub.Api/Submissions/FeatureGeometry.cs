using System.Runtime.CompilerServices;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace DataHub.Api.Submissions;

/// <summary>
/// The geometry of a record that passed its exchange structure, as a geometry to stage. The
/// structure has fixed the GeoJSON shape; what only a geometry library notices (a ring that does
/// not close) is reported at "geometry". Validity (self-intersections) is checked later in SQL.
/// </summary>
public static class FeatureGeometry
{
    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory() } };

    /// <summary>The feature's geometry with <paramref name="srid"/>; a Polygon becomes a MultiPolygon of one part when <paramref name="multiPolygon"/>.</summary>
    public static Geometry? Read(JsonElement feature, int srid, bool multiPolygon, Action<string, string> problem)
    {
        if (!feature.TryGetProperty("geometry", out var g) || g.ValueKind != JsonValueKind.Object)
        {
            problem("geometry", "The record needs a geometry.");
            return null;
        }
        try
        {
            var geometry = Parse(g);
            if (geometry is null)
            {
                problem("geometry", "The record needs a geometry.");
                return null;
            }
            if (multiPolygon && geometry is Polygon polygon)
            {
                geometry = new MultiPolygon([polygon]);
            }
            geometry.SRID = srid;
            return geometry;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            problem("geometry", $"The geometry is not valid GeoJSON: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// A GeoJSON geometry as NTS reads it. Polygons and MultiPolygons, the shapes of every land
    /// record, are built straight from the parsed JSON: going through NTS's converter needs the
    /// geometry's text again, which cost more than the rest of reading a parcel (docs/performance.md,
    /// ingest). Anything else goes through the converter. Same factory, same coordinates (with Z
    /// when a position has three numbers); a ring that does not close fails the same way.
    /// </summary>
    public static Geometry? Parse(JsonElement geometry)
    {
        var type = geometry.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type is "Polygon" or "MultiPolygon" && geometry.TryGetProperty("coordinates", out var coordinates) && coordinates.ValueKind == JsonValueKind.Array)
        {
            return type == "Polygon"
                ? Polygon(coordinates)
                : Factory.CreateMultiPolygon([.. coordinates.EnumerateArray().Select(Polygon)]);
        }
        return geometry.Deserialize<Geometry>(GeoJson);
    }

    // Floating precision, as the converter's own factory; the SRID is set by the caller.
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    private static Polygon Polygon(JsonElement rings)
    {
        if (rings.GetArrayLength() == 0)
        {
            return Factory.CreatePolygon(); // empty, as the converter reads it (the structures require a ring anyway)
        }
        var shell = Ring(rings[0]);
        var holes = new LinearRing[rings.GetArrayLength() - 1];
        for (var i = 0; i < holes.Length; i++)
        {
            holes[i] = Ring(rings[i + 1]);
        }
        return Factory.CreatePolygon(shell, holes);
    }

    private static LinearRing Ring(JsonElement positions)
    {
        var coordinates = new Coordinate[positions.GetArrayLength()];
        var i = 0;
        foreach (var position in positions.EnumerateArray())
        {
            coordinates[i++] = position.GetArrayLength() switch
            {
                2 => new Coordinate(position[0].GetDouble(), position[1].GetDouble()),
                3 => new CoordinateZ(position[0].GetDouble(), position[1].GetDouble(), position[2].GetDouble()),
                var n => throw new FormatException($"a position has {n} numbers; it needs 2 or 3"),
            };
        }
        return Factory.CreateLinearRing(coordinates);
    }

    /// <summary>
    /// The records of a keyed structure (planning and price zones): a retirement carries only its key;
    /// the others their geometry, read here. A record whose geometry cannot be read is reported and left out.
    /// </summary>
    public static async IAsyncEnumerable<(int Index, JsonElement Properties, bool Retired, Geometry? Geometry)> ZonesAsync(
        IAsyncEnumerable<ValidRecord> records, ProblemList problems, bool multiPolygon, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var record in records.WithCancellation(ct))
        {
            var p = record.Feature.GetProperty("properties");
            if (p.TryGetProperty("retired", out var r) && r.ValueKind == JsonValueKind.True)
            {
                yield return (record.Index, p, true, null);
                continue;
            }
            var id = record.Feature.TryGetProperty("id", out var f) ? f.ToString() : null;
            var geometry = Read(record.Feature, record.Srid, multiPolygon,
                (path, message) => problems.Add(new SubmissionProblem(record.Index, id, path, message)));
            if (geometry is not null)
            {
                yield return (record.Index, p, false, geometry);
            }
        }
    }
}
