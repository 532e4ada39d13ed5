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
            var geometry = JsonSerializer.Deserialize<Geometry>(g.GetRawText(), GeoJson);
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
