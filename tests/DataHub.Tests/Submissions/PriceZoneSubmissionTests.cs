using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Submissions;

/// <summary>
/// Land prices are submitted in exchange structure v2 and upserted by (price_table, zone_code,
/// position); land types and units are checked as on effective_from.
/// </summary>
public sealed class PriceZoneSubmissionTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();
    private const string Url = "/api/v1/datasets/price-zones/submissions";
    private static readonly string[] Key = ["price_table", "zone_code", "position"];

    private Task<HttpResponseMessage> SubmitAsync(string body, string? key = null, string query = "", bool respondAsync = false) =>
        SubmitRequests.PostAsync(client, Url + query, body, key, respondAsync: respondAsync);

    private Task<long> PricesAsync(string table) =>
        hub.ScalarAsync<long>("select count(*) from land.price_zones where price_table = $1", table);

    private static List<(int Record, string Path, string Message)> ProblemsOf(JsonElement problem) =>
        problem.GetProperty("problems").EnumerateArray()
            .Select(p => (p.GetProperty("record").GetInt32(), p.GetProperty("path").GetString()!, p.GetProperty("message").GetString()!))
            .ToList();

    [Fact]
    public async Task a_valid_batch_of_prices_is_inserted_with_segments_and_zones_and_wgs84_geometry_is_stored_in_vn2000()
    {
        var zone = Zones.Price("BG-A", "PL1-002", position: 1, n: 1);
        zone["geometry"] = Zones.Square(1);
        var wgs84 = new JsonObject
        {
            ["type"] = "FeatureCollection",
            ["features"] = new JsonArray(JsonNode.Parse("""
                {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[106.88, 11.53], [106.89, 11.53]]},
                 "properties": {"price_table": "BG-A", "zone_code": "PL1-003", "land_type_code": "ODT", "position": 2,
                                "price_per_m2": 12000000, "effective_from": "2025-07-01", "unit_code": "26500"}}
                """)),
        };
        var first = await SubmitRequests.JsonAsync(await SubmitAsync(Zones.Collection(
            Zones.Price("BG-A", "PL1-001", position: 1), Zones.Price("BG-A", "PL1-001", position: 2, price: 3_000_000), zone)), HttpStatusCode.Created);
        Assert.Equal(3, first.GetProperty("inserted").GetInt32());
        Assert.Equal("v2", first.GetProperty("structure").GetString());
        var second = await SubmitRequests.JsonAsync(await SubmitAsync(wgs84.ToJsonString()), HttpStatusCode.Created);
        Assert.Equal(1, second.GetProperty("inserted").GetInt32());

        Assert.Equal(4L, await PricesAsync("BG-A"));
        Assert.Equal(3_000_000m, await hub.ScalarAsync<decimal>("select price_per_m2 from land.price_zones where (price_table, zone_code, position) = ('BG-A', 'PL1-001', 2)"));
        Assert.Equal("POLYGON", await hub.ScalarAsync<string>("select upper(GeometryType(geom)) from land.price_zones where zone_code = 'PL1-002' and price_table = 'BG-A'"));
        Assert.Equal(9212, await hub.ScalarAsync<int>("select ST_SRID(geom) from land.price_zones where zone_code = 'PL1-003' and price_table = 'BG-A'"));
        Assert.InRange(await hub.ScalarAsync<double>("select ST_Length(geom) from land.price_zones where zone_code = 'PL1-003' and price_table = 'BG-A'"), 1080, 1100);

        var items = await Collections.Ogc.GetJsonAsync(client, "/api/v1/collections/price-zones/items?price_table=BG-A&zone_code=PL1-001&sortby=position");
        Assert.Equal([1, 2], items.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("position").GetInt32()));
    }

    [Fact]
    public async Task resubmitting_a_price_by_its_key_updates_it_with_a_new_version_and_retiring_deletes_it_keeping_history()
    {
        await SubmitRequests.JsonAsync(await SubmitAsync(Zones.Collection(
            Zones.Price("BG-B", "R-1", position: 1), Zones.Price("BG-B", "R-1", position: 2, price: 3_000_000))), HttpStatusCode.Created);
        var id = await hub.ScalarAsync<long>("select id from land.price_zones where (price_table, zone_code, position) = ('BG-B', 'R-1', 1)");

        var update = await SubmitRequests.JsonAsync(await SubmitAsync(Zones.Collection(
            Zones.Price("BG-B", "R-1", position: 1, price: 5_500_000, to: "2026-01-01"), Zones.Price("BG-B", "R-1", position: 2, price: 3_000_000))), HttpStatusCode.Created);
        Assert.Equal((0, 1, 1), (update.GetProperty("inserted").GetInt32(), update.GetProperty("updated").GetInt32(), update.GetProperty("unchanged").GetInt32()));
        Assert.Equal(5_500_000m, await hub.ScalarAsync<decimal>("select price_per_m2 from land.price_zones where id = $1", id));
        Assert.Equal(5_000_000m, await hub.ScalarAsync<decimal>("select price_per_m2 from history.land_price_zones where id = $1", id));
        Assert.Equal($"submission:{update.GetProperty("id").GetString()}", await hub.ScalarAsync<string>("select ended_by from history.land_price_zones where id = $1", id));

        var retire = await SubmitRequests.JsonAsync(await SubmitAsync(Zones.Collection(Zones.Retire(Zones.Price("BG-B", "R-1", position: 2), Key))), HttpStatusCode.Created);
        Assert.Equal(1, retire.GetProperty("retired").GetInt32());
        Assert.Equal(1L, await PricesAsync("BG-B"));
        Assert.Equal("delete", await hub.ScalarAsync<string>("select change from history.land_price_zones where (price_table, zone_code, position) = ('BG-B', 'R-1', 2)"));
    }

    [Fact]
    public async Task every_price_rule_rejects_the_batch_naming_the_record_and_field_and_nothing_is_written()
    {
        var selfIntersecting = Zones.Price("BG-C", "R-0");
        selfIntersecting["geometry"] = JsonNode.Parse("""{"type": "Polygon", "coordinates": [[[591000,1301000],[591100,1301100],[591100,1301000],[591000,1301100],[591000,1301000]]]}""");
        var body = Zones.Collection(
            selfIntersecting,                                                  // 0: bow-tie zone
            Zones.Price("BG-C", "R-1", price: 0),                              // 1: price must be above 0
            Zones.Price("BG-C", "R-2", position: 10),                          // 2: position 1..9
            Zones.Price("BG-C", "R-3", from: "2025-01-01", to: "2025-01-01"),  // 3: ends when it starts
            Zones.Price("BG-C", "R-4", landType: "CNT", from: "2024-01-01"),   // 4: CNT starts 2024-08-01
            Zones.Price("BG-C", "R-5", from: "2025-07-01"),                    // 5: 25397 merged on 2025-07-01
            Zones.Price("BG-C", "R-6"),                                        // 6: valid
            Zones.Price("BG-C", "R-6"),                                        // 7: the key of record 6
            Zones.Retire(Zones.Price("BG-C", "R-9", position: 3), Key));       // 8: nothing to retire

        var problem = await Problems.AssertProblemAsync(await SubmitAsync(body), HttpStatusCode.UnprocessableEntity);
        var problems = ProblemsOf(problem);
        Assert.Contains(problems, p => p.Record == 0 && p.Path == "geometry" && p.Message.Contains("Self-intersection", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(problems, p => p.Record == 1 && p.Path == "properties.price_per_m2");
        Assert.Contains(problems, p => p.Record == 2 && p.Path == "properties.position");
        Assert.Contains((3, "properties.effective_to", "effective_to 2025-01-01 must be after effective_from 2025-01-01."), problems);
        Assert.Contains((4, "properties.land_type_code", "Land type CNT is not valid on 2024-01-01 (code list land_use_purpose)."), problems);
        Assert.Contains((5, "properties.unit_code", "Unit 25397 is not an administrative unit on 2025-07-01 (effective_from)."), problems);
        Assert.Contains((7, "properties", "Duplicate price (table BG-C, zone R-6, position 1): record 6 has the same key."), problems);
        Assert.Contains((8, "properties", "There is no price (table BG-C, zone R-9, position 3) to retire."), problems);
        Assert.DoesNotContain(problems, p => p.Record == 6);
        Assert.Contains("in 8 of 9 record(s)", problem.GetProperty("detail").GetString());
        Assert.Equal(0L, await PricesAsync("BG-C"));
    }

    [Fact]
    public async Task structure_v1_is_refused_for_price_zones_pointing_to_v2()
    {
        var problem = await Problems.AssertProblemAsync(
            await SubmitAsync(Zones.Collection(Zones.Price("BG-D", "R-1")), query: "?structure=v1"), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("/api/v1/schemas/price-zones/v2", problem.GetProperty("detail").GetString());
        Assert.Equal(0L, await PricesAsync("BG-D"));
    }

    [Fact]
    public async Task an_asynchronous_batch_of_prices_is_validated_against_v2_and_applied_by_the_worker()
    {
        var prices = Enumerable.Range(1, 30).SelectMany(row => Enumerable.Range(1, 4).Select(position =>
            Zones.Price("BG-E", $"R-{row:000}", position, 1_000_000L * (5 - position), n: row))).ToArray();
        var response = await SubmitAsync(Zones.Collection(prices), respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var done = await AsyncSubmissionTests.WaitForEndAsync(client, response.Headers.Location!);
        Assert.Equal("applied", done.GetProperty("status").GetString());
        Assert.Equal("v2", done.GetProperty("structure").GetString());
        Assert.Equal(120, done.GetProperty("inserted").GetInt32());
        Assert.Equal(120L, await PricesAsync("BG-E"));

        var again = await SubmitRequests.JsonAsync(await SubmitAsync(Zones.Collection(prices)), HttpStatusCode.Created);
        Assert.Equal(120, again.GetProperty("unchanged").GetInt32());
    }
}
