using System.Net;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Collections;

/// <summary>CQL2 text filters through the items endpoint (the translator has its own tests under Filtering).</summary>
public sealed class ItemsFilterTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();
    private const string Parcels = "/api/v1/collections/parcels/items";

    private async Task<long> MatchedAsync(string filter, string extra = "")
    {
        var page = await Ogc.GetJsonAsync(client, $"{Parcels}?filter={Uri.EscapeDataString(filter)}{extra}");
        return page.GetProperty("numberMatched").GetInt64();
    }

    [Fact]
    public async Task a_cql2_filter_selects_what_the_same_condition_selects_in_sql()
    {
        Assert.Equal(
            await hub.ScalarAsync<long>("select count(*) from sharing.parcels where main_purpose_code = 'CLN' and area_m2 > 1500 and registered_on >= date '2010-01-01'"),
            await MatchedAsync("main_purpose_code = 'CLN' AND area_m2 > 1500 AND registered_on >= DATE('2010-01-01')"));
        Assert.Equal(
            await hub.ScalarAsync<long>("select count(*) from sharing.parcels where commune_code in ('25100', '25103') or map_sheet > 1"),
            await MatchedAsync("commune_code IN ('25100', '25103') OR map_sheet > 1"));
        Assert.Equal(
            await hub.ScalarAsync<long>("select count(*) from sharing.parcels where address like 'Ấp 1,%'"),
            await MatchedAsync("address LIKE 'Ấp 1,%'"));
    }

    [Fact]
    public async Task s_intersects_with_a_polygon_in_crs84_matches_postgis()
    {
        var box = await hub.ScalarAsync<double[]>("""
            select array[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)]
            from (select ST_Transform(ST_MakeEnvelope(545000, 1255000, 545100, 1255030, 9212), 4326) b) x
            """);
        var wkt = FormattableString.Invariant($"POLYGON(({box[0]} {box[1]},{box[2]} {box[1]},{box[2]} {box[3]},{box[0]} {box[3]},{box[0]} {box[1]}))");
        var expected = await hub.ScalarAsync<long>("select count(*) from land.parcels where ST_Intersects(geom, ST_Transform(ST_GeomFromText($1, 4326), 9212))", wkt);
        Assert.True(expected > 0);
        Assert.Equal(expected, await MatchedAsync($"S_INTERSECTS(geometry, {wkt})"));
    }

    /// <summary>EPSG:4326 is written latitude first (as bbox-crs and crs already read it); CRS84 longitude first.</summary>
    [Fact]
    public async Task filter_geometries_in_epsg_4326_are_read_latitude_first()
    {
        var box = await hub.ScalarAsync<double[]>("""
            select array[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)]
            from (select ST_Transform(ST_MakeEnvelope(545000, 1255000, 545100, 1255030, 9212), 4326) b) x
            """);
        var expected = await hub.ScalarAsync<long>("select count(*) from land.parcels where ST_Intersects(geom, ST_MakeEnvelope(545000, 1255000, 545100, 1255030, 9212))");
        Assert.True(expected > 0);
        var latLon = FormattableString.Invariant($"POLYGON(({box[1]} {box[0]},{box[1]} {box[2]},{box[3]} {box[2]},{box[3]} {box[0]},{box[1]} {box[0]}))");
        const string Epsg4326 = "&filter-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4326";
        var polygon = await MatchedAsync($"S_INTERSECTS(geometry, {latLon})", Epsg4326);
        var bbox = await MatchedAsync(FormattableString.Invariant($"S_INTERSECTS(geometry, BBOX({box[1]}, {box[0]}, {box[3]}, {box[2]}))"), Epsg4326);
        Assert.Equal([expected, expected], [polygon, bbox]);
    }

    /// <summary>PostGIS failed the whole request (500) on a point it could not transform.</summary>
    [Theory]
    [InlineData("S_INTERSECTS(geometry, POINT(200 100))", "",
        "the geometry POINT(200 100) has a point outside longitude [-180, 180] and latitude [-90, 90], (200 100) (CRS84 is written longitude first) at position 23")]
    [InlineData("S_INTERSECTS(geometry, POINT(106.69 11.37))", "&filter-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4326",
        "the geometry POINT(106.69 11.37) has a point outside longitude [-180, 180] and latitude [-90, 90], (106.69 11.37) (EPSG:4326 is written latitude first) at position 23")]
    [InlineData("S_INTERSECTS(geometry, BBOX(100, 95, 101, 96))", "",
        "BBOX has a corner outside longitude [-180, 180] and latitude [-90, 90] (CRS84 is written longitude first) at position 23")]
    public async Task a_filter_geometry_outside_wgs_84_is_a_400_saying_which_point(string filter, string extra, string message)
    {
        var problem = await Problems.AssertProblemAsync(await client.GetAsync($"{Parcels}?filter={Uri.EscapeDataString(filter)}{extra}"), HttpStatusCode.BadRequest);
        Assert.Contains(message, problem.GetProperty("errors").GetProperty("filter")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("owner_name = 'x'")]
    [InlineData("map_sheet = 'abc'")]
    [InlineData("area_m2 > ")]
    [InlineData("commune_code = '25100'; drop table land.parcels; --")]
    [InlineData("1=1")]
    public async Task a_bad_filter_is_a_400_problem_on_the_filter_parameter(string filter)
    {
        var problem = await Problems.AssertProblemAsync(await client.GetAsync($"{Parcels}?filter={Uri.EscapeDataString(filter)}"), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("filter", out _), problem.ToString());
        Assert.Equal(SeededHubFixture.Parcels, await hub.ScalarAsync<long>("select count(*) from land.parcels"));
    }

    [Fact]
    public async Task a_quote_inside_a_string_stays_data()
    {
        Assert.Equal(0, await MatchedAsync("address = 'x'' OR ''1''=''1'"));
    }
}
