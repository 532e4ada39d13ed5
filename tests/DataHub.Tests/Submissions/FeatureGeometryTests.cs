using System.Text.Json;
using DataHub.Api.Submissions;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace DataHub.Tests.Submissions;

/// <summary>The direct reading of polygons (FeatureGeometry.Parse) against NTS's own GeoJSON converter, which it replaces on the hot path.</summary>
public sealed class FeatureGeometryTests
{
    private static readonly JsonSerializerOptions Converter = new() { Converters = { new GeoJsonConverterFactory() } };

    [Theory]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[4,2],[4,4],[2,2]]]}""")]
    [InlineData("""{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,6],[5,5]]]]}""")]
    [InlineData("""{"type":"Polygon","coordinates":[[[590000.25,1300000.5,12],[590020,1300000,12],[590020,1300025,13],[590000.25,1300000.5,12]]]}""")]
    [InlineData("""{"type":"LineString","coordinates":[[0,0],[1,1]]}""")]
    public void a_geometry_is_read_as_the_converter_reads_it(string json)
    {
        using var document = JsonDocument.Parse(json);
        var direct = FeatureGeometry.Parse(document.RootElement)!;
        var converted = JsonSerializer.Deserialize<Geometry>(json, Converter)!;
        Assert.Equal(converted.GeometryType, direct.GeometryType);
        Assert.True(converted.EqualsExact(direct), $"{direct} differs from {converted}");
        Assert.Equal(converted.Coordinates.Select(c => c.Z), direct.Coordinates.Select(c => c.Z));
    }

    [Fact]
    public void a_ring_that_does_not_close_fails_as_with_the_converter()
    {
        const string json = """{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10]]]}""";
        using var document = JsonDocument.Parse(json);
        Assert.ThrowsAny<ArgumentException>(() => FeatureGeometry.Parse(document.RootElement));
        Assert.ThrowsAny<ArgumentException>(() => JsonSerializer.Deserialize<Geometry>(json, Converter));
    }
}
