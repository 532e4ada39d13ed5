using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Submissions;

/// <summary>
/// Planning zones are submitted in exchange structure v2 and upserted by (plan_code, zone_code);
/// units and codes are checked as on 1 January of period_from.
/// </summary>
public sealed class PlanningZoneSubmissionTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();
    private const string Url = "/api/v1/datasets/planning-zones/submissions";

    private Task<HttpResponseMessage> SubmitAsync(string body, string? key = null, string query = "") =>
        SubmitRequests.PostAsync(client, Url + query, body, key);

    private Task<long> ZonesAsync(string plan) =>
        hub.ScalarAsync<long>("select count(*) from land.planning_zones where plan_code = $1", plan);

    private static List<(int Record, string Path, string Message)> ProblemsOf(JsonElement problem) =>
        problem.GetProperty("problems").EnumerateArray()
            .Select(p => (p.GetProperty("record").GetInt32(), p.GetProperty("path").GetString()!, p.GetProperty("message").GetString()!))
            .ToList();

    [Fact]
    public async Task a_valid_batch_of_zones_is_inserted_by_the_submission_and_shared_with_its_zone_code()
    {
        var response = await SubmitAsync(Zones.Collection(Zones.Planning("QH-A", "Z-1", 0), Zones.Planning("QH-A", "Z-2", 1, purpose: "CLN")));
        var result = await SubmitRequests.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal("applied", result.GetProperty("status").GetString());
        Assert.Equal("v2", result.GetProperty("structure").GetString());
        Assert.Equal(2, result.GetProperty("inserted").GetInt32());
        Assert.Contains(result.GetProperty("links").EnumerateArray(), l => l.GetProperty("href").GetString()!.EndsWith("/api/v1/schemas/planning-zones/v2", StringComparison.Ordinal));
        Assert.Equal($"submission:{result.GetProperty("id").GetString()}",
            await hub.ScalarAsync<string>("select distinct written_by from land.planning_zones where plan_code = 'QH-A'"));
        Assert.Equal("MULTIPOLYGON", await hub.ScalarAsync<string>("select distinct upper(GeometryType(geom)) from land.planning_zones where plan_code = 'QH-A'"));

        var items = await Collections.Ogc.GetJsonAsync(client, "/api/v1/collections/planning-zones/items?plan_code=QH-A&zone_code=Z-2");
        var zone = Assert.Single(items.GetProperty("features").EnumerateArray());
        Assert.Equal("Z-2", zone.GetProperty("properties").GetProperty("zone_code").GetString());
        Assert.Equal("CLN", zone.GetProperty("properties").GetProperty("planned_purpose_code").GetString());
    }

    [Fact]
    public async Task resubmitting_a_zone_by_its_key_updates_the_same_zone_with_a_new_version_and_an_identical_one_stays_unchanged()
    {
        await SubmitRequests.JsonAsync(await SubmitAsync(Zones.Collection(Zones.Planning("QH-B", "Z-1", 0), Zones.Planning("QH-B", "Z-2", 1))), HttpStatusCode.Created);
        var id = await hub.ScalarAsync<long>("select id from land.planning_zones where (plan_code, zone_code) = ('QH-B', 'Z-1')");
        var before = await hub.ScalarAsync<long>("select count(*) from catalog.changes where table_name = 'land.planning_zones'::regclass and op = 'update' and row_key = $1", id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var result = await SubmitRequests.JsonAsync(await SubmitAsync(Zones.Collection(
            Zones.Planning("QH-B", "Z-1", 0, purpose: "TMD", to: 2025), Zones.Planning("QH-B", "Z-2", 1))), HttpStatusCode.Created);
        Assert.Equal(0, result.GetProperty("inserted").GetInt32());
        Assert.Equal(1, result.GetProperty("updated").GetInt32());
        Assert.Equal(1, result.GetProperty("unchanged").GetInt32());
        var second = $"submission:{result.GetProperty("id").GetString()}";

        Assert.Equal(2L, await ZonesAsync("QH-B"));
        Assert.Equal("TMD", await hub.ScalarAsync<string>("select planned_purpose_code from land.planning_zones where id = $1", id));
        Assert.Equal(2025, await hub.ScalarAsync<int>("select period_to from land.planning_zones where id = $1", id));
        Assert.Equal(second, await hub.ScalarAsync<string>("select written_by from land.planning_zones where id = $1", id));
        Assert.Equal("ONT", await hub.ScalarAsync<string>("select planned_purpose_code from history.land_planning_zones where id = $1", id));
        Assert.Equal(second, await hub.ScalarAsync<string>("select ended_by from history.land_planning_zones where id = $1 and zone_code = 'Z-1'", id));
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from history.land_planning_zones where plan_code = 'QH-B' and zone_code = 'Z-2'"));
        Assert.Equal(before + 1, await hub.ScalarAsync<long>("select count(*) from catalog.changes where table_name = 'land.planning_zones'::regclass and op = 'update' and row_key = $1", id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task a_retired_zone_is_deleted_with_its_last_version_kept_and_retiring_an_unknown_key_writes_nothing()
    {
        var zone = Zones.Planning("QH-C", "Z-1", 0);
        await SubmitRequests.JsonAsync(await SubmitAsync(Zones.Collection(zone, Zones.Planning("QH-C", "Z-2", 1))), HttpStatusCode.Created);

        var unknown = Zones.Retire(Zones.Planning("QH-C", "Z-9"), "plan_code", "zone_code");
        var problem = await Problems.AssertProblemAsync(
            await SubmitAsync(Zones.Collection(Zones.Retire(zone, "plan_code", "zone_code"), unknown)), HttpStatusCode.UnprocessableEntity);
        var only = Assert.Single(ProblemsOf(problem));
        Assert.Equal((1, "properties", "There is no zone (plan QH-C, zone Z-9) to retire."), only);
        Assert.Equal(2L, await ZonesAsync("QH-C"));

        var result = await SubmitRequests.JsonAsync(await SubmitAsync(Zones.Collection(Zones.Retire(zone, "plan_code", "zone_code"))), HttpStatusCode.Created);
        Assert.Equal(1, result.GetProperty("retired").GetInt32());
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from land.planning_zones where (plan_code, zone_code) = ('QH-C', 'Z-1')"));
        Assert.Equal("delete", await hub.ScalarAsync<string>("select change from history.land_planning_zones where (plan_code, zone_code) = ('QH-C', 'Z-1')"));
        Assert.Equal(1L, await ZonesAsync("QH-C"));
    }

    [Fact]
    public async Task every_planning_rule_rejects_the_batch_naming_the_record_and_field_and_nothing_is_written()
    {
        var selfIntersecting = Zones.Planning("QH-D", "Z-0", 0);
        selfIntersecting["geometry"]!["coordinates"] = JsonNode.Parse("[[[591000,1301000],[591100,1301100],[591100,1301000],[591000,1301100],[591000,1301000]]]");
        var noZoneCode = Zones.Planning("QH-D", "Z-7", 7);
        noZoneCode["properties"]!.AsObject().Remove("zone_code");
        var wgs84AsMetres = Zones.Planning("QH-D", "Z-8", 8);
        wgs84AsMetres["geometry"]!["coordinates"] = JsonNode.Parse("[[[106.9,11.5],[106.91,11.5],[106.91,11.51],[106.9,11.51],[106.9,11.5]]]");
        var body = Zones.Collection(
            selfIntersecting,                                              // 0: bow-tie
            Zones.Planning("QH-D", "Z-1", 1, from: 2030, to: 2021),        // 1: period backwards
            Zones.Planning("QH-D", "Z-2", 2, kind: "dieu-chinh"),          // 2: not in plan_kind
            Zones.Planning("QH-D", "Z-3", 3, purpose: "CNT"),              // 3: CNT starts 2024-08-01, the period 2021
            Zones.Planning("QH-D", "Z-4", 4, from: 2026, to: 2030),        // 4: 25397 was merged on 2025-07-01
            Zones.Planning("QH-D", "Z-5", 5),                              // 5: valid
            Zones.Planning("QH-D", "Z-5", 6),                              // 6: the key of record 5
            noZoneCode,                                                    // 7: not the structure
            wgs84AsMetres);                                                // 8: degrees declared as EPSG:9212

        var problem = await Problems.AssertProblemAsync(await SubmitAsync(body), HttpStatusCode.UnprocessableEntity);
        var problems = ProblemsOf(problem);
        Assert.Contains(problems, p => p.Record == 0 && p.Path == "geometry" && p.Message.Contains("Self-intersection", StringComparison.OrdinalIgnoreCase) && p.Message.Contains("(lon lat)"));
        Assert.Contains((1, "properties.period_to", "period_to 2021 is before period_from 2030."), problems);
        Assert.Contains((2, "properties.plan_kind", "Plan kind dieu-chinh is not valid on 2021-01-01 (code list plan_kind)."), problems);
        Assert.Contains((3, "properties.planned_purpose_code", "Purpose code CNT is not valid on 2021-01-01 (code list land_use_purpose)."), problems);
        Assert.Contains((4, "properties.unit_code", "Unit 25397 is not an administrative unit on 2026-01-01 (1 January of period_from)."), problems);
        Assert.Contains((6, "properties", "Duplicate zone (plan QH-D, zone Z-5): record 5 has the same key."), problems);
        Assert.Contains(problems, p => p.Record == 7 && p.Path == "properties" && p.Message.Contains("zone_code"));
        Assert.Contains(problems, p => p.Record == 8 && p.Path == "geometry" && p.Message.Contains("outside Viet Nam"));
        Assert.DoesNotContain(problems, p => p.Record == 5);
        Assert.Contains("in 8 of 9 record(s)", problem.GetProperty("detail").GetString());
        Assert.Equal(0L, await ZonesAsync("QH-D"));
    }

    [Fact]
    public async Task a_record_wrong_in_one_property_is_reported_at_that_property_alone_not_at_the_geometry_branches_it_did_not_take()
    {
        // The geometry is a Polygon: of the structure's "Polygon, MultiPolygon or null" only the first
        // branch applies, so the other two branches' failures are not problems of the record.
        var response = await SubmitAsync(Zones.Collection(Zones.Planning("QH-ONE", "Z-1", 0, kind: "Quy Hoach!")));
        var problems = ProblemsOf(await Problems.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity));
        var problem = Assert.Single(problems);
        Assert.Equal((0, "properties.plan_kind"), (problem.Record, problem.Path));
        Assert.Equal(0, await ZonesAsync("QH-ONE"));
    }

    [Fact]
    public async Task valid_only_writes_the_valid_zones_and_reports_the_others()
    {
        var result = await SubmitRequests.JsonAsync(await SubmitAsync(Zones.Collection(
            Zones.Planning("QH-E", "Z-1", 0), Zones.Planning("QH-E", "Z-2", 1, purpose: "XYZ")), query: "?mode=valid-only"), HttpStatusCode.Created);
        Assert.Equal(1, result.GetProperty("inserted").GetInt32());
        Assert.Equal(1, result.GetProperty("rejected").GetInt32());
        Assert.Equal(1L, await ZonesAsync("QH-E"));
    }

    [Fact]
    public async Task the_same_key_and_body_replays_the_answer_and_writes_nothing_twice()
    {
        var body = Zones.Collection(Zones.Planning("QH-F", "Z-1", 0));
        var first = await SubmitRequests.JsonAsync(await SubmitAsync(body, key: "planning-replay-1"), HttpStatusCode.Created);
        var again = await SubmitAsync(body, key: "planning-replay-1");
        var second = await SubmitRequests.JsonAsync(again, HttpStatusCode.OK);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.Equal(1L, await ZonesAsync("QH-F"));
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from history.land_planning_zones where plan_code = 'QH-F'"));
    }

    [Fact]
    public async Task structure_v1_is_refused_pointing_to_v2_and_an_unknown_version_is_a_bad_request()
    {
        var v1 = Zones.Planning("QH-G", "Z-1", 0);
        v1["properties"]!.AsObject().Remove("zone_code");
        var problem = await Problems.AssertProblemAsync(await SubmitAsync(Zones.Collection(v1), query: "?structure=v1"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Exchange structure not accepted for submissions", problem.GetProperty("title").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("/api/v1/schemas/planning-zones/v2", detail);
        Assert.Contains("zone_code", detail);

        var unknown = await Problems.AssertProblemAsync(await SubmitAsync(Zones.Collection(v1), query: "?structure=v7"), HttpStatusCode.BadRequest);
        Assert.Contains("'v7'", unknown.GetProperty("detail").GetString());
        Assert.Equal(0L, await ZonesAsync("QH-G"));
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from submissions.submissions where dataset_id = 'planning-zones' and structure <> 'v2'"));
    }

    [Fact]
    public async Task only_stewards_of_planning_zones_may_submit_to_it()
    {
        var parcelsSteward = await TestPrincipals.CreateAccountAsync(hub.Database.ConnectionString, "pz-parcels-steward", "snnmt-dn", [], [("data-steward", "parcels")]);
        var zonesSteward = await TestPrincipals.CreateAccountAsync(hub.Database.ConnectionString, "pz-zones-steward", "snnmt-dn", [], [("data-steward", "planning-zones")]);
        var body = Zones.Collection(Zones.Planning("QH-H", "Z-1", 0));

        var refused = await SubmitRequests.PostAsync(hub.CreateClientWithToken(TestPrincipals.Token($"account:{parcelsSteward}")), Url, body);
        await Problems.AssertProblemAsync(refused, HttpStatusCode.Forbidden);
        Assert.Equal(0L, await ZonesAsync("QH-H"));

        var accepted = await SubmitRequests.PostAsync(hub.CreateClientWithToken(TestPrincipals.Token($"account:{zonesSteward}")), Url, body);
        await SubmitRequests.JsonAsync(accepted, HttpStatusCode.Created);
        Assert.Equal(1L, await ZonesAsync("QH-H"));
        Assert.Equal(1L, await hub.ScalarAsync<long>(
            "select count(*) from submissions.submissions where dataset_id = 'planning-zones' and status = 'applied' and submitted_by = $1", $"account:{zonesSteward}"));
    }

    [Fact]
    public async Task accepted_zone_changes_are_routed_to_the_outbox_by_the_zone_id()
    {
        await hub.ExecuteAsWriterAsync("update outbox.routes set enabled = true where dataset_id = 'planning-zones'");
        try
        {
            await SubmitRequests.JsonAsync(await SubmitAsync(Zones.Collection(Zones.Planning("QH-I", "Z-1", 0))), HttpStatusCode.Created);
            await SubmitRequests.JsonAsync(await SubmitAsync(Zones.Collection(Zones.Planning("QH-I", "Z-1", 0, purpose: "DGD"))), HttpStatusCode.Created);
            var id = (await hub.ScalarAsync<long>("select id from land.planning_zones where (plan_code, zone_code) = ('QH-I', 'Z-1')"))
                .ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("insert,update", await hub.ScalarAsync<string>(
                "select string_agg(change, ',' order by id) from outbox.messages where dataset_id = 'planning-zones' and target = 'ioc' and entity_key = $1", id));
        }
        finally
        {
            await hub.ExecuteAsWriterAsync("update outbox.routes set enabled = false where dataset_id = 'planning-zones'");
        }
    }
}
