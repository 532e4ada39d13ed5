using System.Globalization;

namespace DataHub.Tests.Land;

/// <summary>
/// EPSG:9212 (VN-2000 / TM-3 106-15) against PROJ's own definition. PostGIS 3.3 lacks 9212, so
/// migration 0002 registers it with a +towgs84 string; public copies of the VN-2000 parameters
/// often carry the wrong rotation signs, which shifts points by decimetres, not kilometres, and
/// would go unnoticed on a map. Hence centimetre comparisons at control points.
/// </summary>
public sealed class CoordinateReferenceTests(LandDatabase db) : IClassFixture<LandDatabase>
{
    private const double ToleranceMetres = 0.01;

    // Spread over the former Binh Phuoc province (easting, northing in EPSG:9212).
    private static readonly IReadOnlyList<(double First, double Second)> ControlPoints =
    [
        (520000, 1250000),
        (640000, 1250000),
        (520000, 1340000),
        (640000, 1340000),
        (580000, 1295000),
        (606000, 1318000),
        (545000, 1272000),
    ];

    // By SRID, PostGIS hands PROJ the authority code (EPSG:9212), so this checks PostGIS and PROJ agree.
    private const string ToWgs84BySrid =
        "select array[ST_X(g), ST_Y(g)] from ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 9212), 4326) g";
    private const string FromWgs84BySrid =
        "select array[ST_X(g), ST_Y(g)] from ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 9212) g";

    // With a proj string, PostGIS uses exactly that string: this checks what 0002 registered.
    private const string ToWgs84WithProjString =
        "select array[ST_X(g), ST_Y(g)] from ST_Transform(ST_MakePoint($1, $2), $3, 'EPSG:4326') g";
    private const string FromWgs84WithProjString =
        "select array[ST_X(g), ST_Y(g)] from ST_Transform(ST_MakePoint($1, $2), 'EPSG:4326', $3) g";

    [Fact]
    public async Task transforming_by_srid_to_wgs84_matches_proj_within_a_centimetre()
    {
        var misses = await ForwardMissesAsync(ToWgs84BySrid, extra: null);
        AssertAllWithinTolerance(misses);
    }

    [Fact]
    public async Task transforming_with_the_registered_proj_string_to_wgs84_matches_proj_within_a_centimetre()
    {
        var misses = await ForwardMissesAsync(ToWgs84WithProjString, await RegisteredProjStringAsync());
        AssertAllWithinTolerance(misses);
    }

    [Fact]
    public async Task transforming_wgs84_to_9212_by_srid_matches_proj_within_a_centimetre()
    {
        var misses = await InverseMissesAsync(FromWgs84BySrid, extra: null);
        AssertAllWithinTolerance(misses);
    }

    [Fact]
    public async Task transforming_wgs84_to_9212_with_the_registered_proj_string_matches_proj_within_a_centimetre()
    {
        var misses = await InverseMissesAsync(FromWgs84WithProjString, await RegisteredProjStringAsync());
        AssertAllWithinTolerance(misses);
    }

    [Fact]
    public async Task a_proj_string_with_flipped_rotation_signs_misses_proj_by_more_than_a_centimetre()
    {
        var flipped = FlipRotationSigns(await RegisteredProjStringAsync());

        var forward = await ForwardMissesAsync(ToWgs84WithProjString, flipped);
        var inverse = await InverseMissesAsync(FromWgs84WithProjString, flipped);

        Assert.All(forward.Concat(inverse), miss => Assert.True(miss.Metres > ToleranceMetres,
            $"the flipped string lands only {miss.Metres:F4} m from PROJ at {miss.Point}: the comparison would not catch a sign error"));
    }

    [Fact]
    public async Task the_registered_9212_definition_carries_the_vn2000_seven_parameters()
    {
        var proj = await RegisteredProjStringAsync();
        Assert.Contains("+lon_0=106.25", proj, StringComparison.Ordinal);
        Assert.Contains("+k=0.9999", proj, StringComparison.Ordinal);
        Assert.Contains("+x_0=500000", proj, StringComparison.Ordinal);
        Assert.Equal(7, ToWgs84Parameters(proj).Length);
    }

    private async Task<string> RegisteredProjStringAsync() =>
        await db.ScalarAsync<string>("select proj4text from spatial_ref_sys where srid = 9212");

    /// <summary>9212 -> WGS 84: PostGIS (lon, lat) against cs2cs (lat, lon), in metres on the ground.</summary>
    private async Task<List<Miss>> ForwardMissesAsync(string sql, string? extra)
    {
        var expected = await Cs2cs.TransformAsync("EPSG:9212", "EPSG:4326", ControlPoints);
        var misses = new List<Miss>();
        for (var i = 0; i < ControlPoints.Count; i++)
        {
            var (easting, northing) = ControlPoints[i];
            var lonLat = await TransformAsync(sql, easting, northing, extra);
            var (lat, lon) = expected[i];
            misses.Add(new Miss(Describe(easting, northing), DegreesToMetres(lonLat[1] - lat, lonLat[0] - lon, lat)));
        }
        return misses;
    }

    /// <summary>WGS 84 -> 9212 for the WGS 84 images of the control points, in metres of easting/northing.</summary>
    private async Task<List<Miss>> InverseMissesAsync(string sql, string? extra)
    {
        var latLons = await Cs2cs.TransformAsync("EPSG:9212", "EPSG:4326", ControlPoints);
        var expected = await Cs2cs.TransformAsync("EPSG:4326", "EPSG:9212", latLons);
        var misses = new List<Miss>();
        for (var i = 0; i < latLons.Count; i++)
        {
            var (lat, lon) = latLons[i];
            var en = await TransformAsync(sql, lon, lat, extra);
            var (easting, northing) = expected[i];
            misses.Add(new Miss(Describe(lat, lon), Math.Sqrt(Math.Pow(en[0] - easting, 2) + Math.Pow(en[1] - northing, 2))));
        }
        return misses;
    }

    private async Task<double[]> TransformAsync(string sql, double x, double y, string? extra) =>
        extra is null ? await db.ScalarAsync<double[]>(sql, x, y) : await db.ScalarAsync<double[]>(sql, x, y, extra);

    // A sphere of the WGS 84 semi-major axis overstates a degree by under 1 % here, which only
    // makes the centimetre test stricter.
    private static double DegreesToMetres(double dLat, double dLon, double lat)
    {
        const double metresPerDegree = 6378137 * Math.PI / 180;
        var north = dLat * metresPerDegree;
        var east = dLon * metresPerDegree * Math.Cos(lat * Math.PI / 180);
        return Math.Sqrt(north * north + east * east);
    }

    private static void AssertAllWithinTolerance(List<Miss> misses) =>
        Assert.All(misses, miss => Assert.True(miss.Metres < ToleranceMetres,
            $"PostGIS and PROJ differ by {miss.Metres:F4} m at {miss.Point}"));

    private static string[] ToWgs84Parameters(string proj) =>
        proj.Split(' ').Single(p => p.StartsWith("+towgs84=", StringComparison.Ordinal))["+towgs84=".Length..].Split(',');

    /// <summary>The same string with rx, ry, rz negated: the classic position-vector/coordinate-frame mix-up.</summary>
    private static string FlipRotationSigns(string proj)
    {
        var parameters = ToWgs84Parameters(proj);
        for (var i = 3; i < 6; i++)
        {
            parameters[i] = (-double.Parse(parameters[i], CultureInfo.InvariantCulture)).ToString("R", CultureInfo.InvariantCulture);
        }
        var original = "+towgs84=" + string.Join(',', ToWgs84Parameters(proj));
        var flipped = "+towgs84=" + string.Join(',', parameters);
        Assert.NotEqual(original, flipped);
        return proj.Replace(original, flipped, StringComparison.Ordinal);
    }

    private static string Describe(double first, double second) =>
        string.Create(CultureInfo.InvariantCulture, $"({first}, {second})");

    private sealed record Miss(string Point, double Metres);
}
