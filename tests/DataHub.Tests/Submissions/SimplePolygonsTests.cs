using DataHub.Api.Submissions;
using DataHub.Tests.Infrastructure;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Npgsql;

namespace DataHub.Tests.Submissions;

/// <summary>
/// The short way's quick proof of validity (SimplePolygons) against what it stands in for:
/// NetTopologySuite's IsValid, and PostGIS's ST_IsValid, which the staged way asks.
/// </summary>
public sealed class SimplePolygonsTests : IAsyncLifetime
{
    private TestDatabase database = null!;

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync("simplepolygons");

    public async Task DisposeAsync() => await database.DisposeAsync();

    private static readonly WKTReader Wkt = new();

    [Theory]
    [InlineData("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", true)]
    [InlineData("MULTIPOLYGON (((545000 1255000, 545016.88 1255000, 545033.75 1255000, 545038.65 1255034.26, 545000 1255042.51, 545000 1255000)))", true)]
    [InlineData("POLYGON ((0 0, 10 0, 0 10, 0 0))", true)]
    [InlineData("POLYGON ((0 0, 10 0, 10 10, 0 10, 10 5, 0 0))", false)] // an edge crosses another
    [InlineData("POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))", false)] // a bow tie
    [InlineData("POLYGON ((0 0, 10 0, 5 5, 10 10, 0 10, 5 5, 0 0))", false)] // the ring touches itself at a corner
    [InlineData("POLYGON ((0 0, 10 0, 10 10, 5 0, 0 10, 0 0))", false)] // a corner on another edge
    [InlineData("POLYGON ((0 0, 10 0, 10 10, 10 20, 10 10, 0 10, 0 0))", false)] // a spike out and back
    [InlineData("POLYGON ((0 0, 10 0, 20 0, 0 0))", false)] // flat
    public async Task the_quick_proof_says_valid_only_where_postgis_and_nts_do(string wkt, bool quick)
    {
        var geometry = Wkt.Read(wkt);

        Assert.Equal(quick, SimplePolygons.IsCertainlyValid(geometry));
        if (quick)
        {
            Assert.True(geometry.IsValid);
            Assert.True((await PostGisValidityAsync([geometry]))[0]);
        }
    }

    [Theory]
    [InlineData("POLYGON ((0 0, 10 0, 10 0, 10 10, 0 10, 0 0))")] // a repeated corner
    [InlineData("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 4 2, 4 4, 2 2))")] // a hole
    [InlineData("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))")] // two parts
    public void a_valid_shape_it_does_not_try_to_prove_is_left_to_isvalid(string wkt)
    {
        var geometry = Wkt.Read(wkt);

        Assert.True(geometry.IsValid);
        Assert.False(SimplePolygons.IsCertainlyValid(geometry));
    }

    // Rings of four to eight corners on a 4 x 4 grid meet themselves in every way a ring can
    // (crossings, touches, spikes, overlaps, straight corners); around VN-2000 coordinates, corners
    // a few nanometres off a line test the orientation's exactness; stars with random radii are
    // simple, so valid.
    [Fact]
    public async Task on_thousands_of_random_rings_it_never_says_valid_where_postgis_or_nts_does_not()
    {
        var random = new Random(20261127);
        var factory = new GeometryFactory(new PrecisionModel(), 9212);
        var rings = new List<Geometry>();
        for (var i = 0; i < 3000; i++)
        {
            var corners = Enumerable.Range(0, random.Next(3, 8)).Select(_ => new Coordinate(random.Next(4), random.Next(4))).ToList();
            if (rings.Count % 2 == 0)
            {
                corners = [.. corners.Select(c => new Coordinate(590000 + c.X * 10 + random.Next(3) * 1e-9, 1300000 + c.Y * 10 + random.Next(3) * 1e-9))];
            }
            corners.Add(corners[0]);
            rings.Add(factory.CreatePolygon([.. corners]));
        }
        var stars = 0;
        for (var i = 0; i < 1000; i++, stars++)
        {
            var angles = Enumerable.Range(0, random.Next(3, 40)).Select(_ => random.NextDouble() * 2 * Math.PI).Distinct().Order().ToList();
            var corners = angles.Select(a => (Angle: a, Radius: 5 + random.NextDouble() * 20))
                .Select(p => new Coordinate(590000 + Math.Cos(p.Angle) * p.Radius, 1300000 + Math.Sin(p.Angle) * p.Radius)).ToList();
            corners.Add(corners[0]);
            rings.Add(factory.CreateMultiPolygon([factory.CreatePolygon([.. corners])]));
        }

        var postgis = await PostGisValidityAsync(rings);
        var quick = rings.Select(SimplePolygons.IsCertainlyValid).ToList();

        var looser = rings.Where((r, i) => quick[i] && (!postgis[i] || !r.IsValid)).ToList();
        Assert.True(looser.Count == 0, $"Called valid, but not so to PostGIS or NTS: {string.Join("; ", looser.Take(5))}");
        // It proves what it is there for: the simple rings among the grid's, and the stars with at
        // least three distinct corners not on one line.
        Assert.InRange(quick.Take(3000).Count(q => q), 100, 3000);
        var simpleStars = rings.Skip(3000).Where((r, i) => postgis[3000 + i]).ToList();
        Assert.InRange(simpleStars.Count, stars - 20, stars);
        Assert.All(simpleStars, s => Assert.True(SimplePolygons.IsCertainlyValid(s), s.ToString()));
    }

    private async Task<bool[]> PostGisValidityAsync(IReadOnlyList<Geometry> geometries)
    {
        var writer = new WKBWriter();
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select array_agg(ST_IsValid(ST_GeomFromWKB(w)) order by n) from unnest($1::bytea[]) with ordinality as t(w, n)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = geometries.Select(g => writer.Write(g)).ToArray() });
        return (bool[])(await command.ExecuteScalarAsync())!;
    }
}
