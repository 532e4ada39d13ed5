using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Submissions;

public sealed class SubmissionTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();
    private const string Url = "/api/v1/datasets/parcels/submissions";

    private Task<HttpResponseMessage> SubmitAsync(string body, string? key = null, string contentType = "application/geo+json", string query = "") =>
        SubmitRequests.PostAsync(client, Url + query, body, key, contentType);

    private Task<long> ParcelsOnSheetAsync(int sheet) =>
        hub.ScalarAsync<long>("select count(*) from land.parcels where commune_code = $1 and map_sheet = $2", Parcels.Commune, sheet);

    private static Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected) =>
        SubmitRequests.JsonAsync(response, expected);

    [Fact]
    public async Task a_valid_batch_is_written_with_the_submission_as_writer_and_its_status_can_be_read()
    {
        var response = await SubmitAsync(Parcels.Collection(Parcels.Feature(1, sheet: 901), Parcels.Feature(2, sheet: 901), Parcels.Feature(3, sheet: 901)));
        var result = await JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal("applied", result.GetProperty("status").GetString());
        Assert.Equal(3, result.GetProperty("inserted").GetInt32());
        var id = result.GetProperty("id").GetString();
        Assert.Equal(3L, await ParcelsOnSheetAsync(901));
        Assert.Equal($"submission:{id}", await hub.ScalarAsync<string>("select distinct written_by from land.parcels where map_sheet = 901"));

        var status = await JsonAsync(await client.GetAsync(response.Headers.Location), HttpStatusCode.OK);
        Assert.Equal("applied", status.GetProperty("status").GetString());
    }

    [Fact]
    public async Task the_same_key_and_body_replays_the_answer_and_writes_nothing_twice()
    {
        var body = Parcels.Collection(Parcels.Feature(1, sheet: 902));
        var first = await JsonAsync(await SubmitAsync(body, key: "replay-1"), HttpStatusCode.Created);
        var again = await SubmitAsync(body, key: "replay-1");
        var second = await JsonAsync(again, HttpStatusCode.OK);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.Equal(1L, await ParcelsOnSheetAsync(902));
    }

    [Fact]
    public async Task the_same_key_with_another_body_is_a_409_and_writes_nothing()
    {
        await JsonAsync(await SubmitAsync(Parcels.Collection(Parcels.Feature(1, sheet: 903)), key: "conflict-1"), HttpStatusCode.Created);
        var problem = await Problems.AssertProblemAsync(await SubmitAsync(Parcels.Collection(Parcels.Feature(2, sheet: 903)), key: "conflict-1"), HttpStatusCode.Conflict);
        Assert.Contains("conflict-1", problem.GetProperty("detail").GetString());
        Assert.Equal(1L, await ParcelsOnSheetAsync(903));
    }

    [Fact]
    public async Task the_same_key_and_body_in_another_mode_is_a_409_naming_the_mode_and_writes_nothing()
    {
        var body = Parcels.Collection(Parcels.Feature(1, sheet: 960), Parcels.Feature(2, purpose: "XYZ", sheet: 960));
        var rejected = await Problems.AssertProblemAsync(await SubmitAsync(body, key: "mode-1"), HttpStatusCode.UnprocessableEntity);
        var retried = await Problems.AssertProblemAsync(await SubmitAsync(body, key: "mode-1", query: "?mode=valid-only"), HttpStatusCode.Conflict);
        Assert.Equal($"The Idempotency-Key 'mode-1' was used for submission {rejected.GetProperty("submission").GetString()!.Split('/')[^1]} with the same body "
            + "but mode=all-or-nothing (this request: valid-only); nothing was written. Use a new key to submit the batch that way.",
            retried.GetProperty("detail").GetString());
        Assert.Equal(0L, await ParcelsOnSheetAsync(960));
    }

    [Fact]
    public async Task the_same_key_and_body_with_the_crs_named_another_way_replays_but_another_crs_is_a_409()
    {
        var lines = string.Join('\n', Parcels.Feature(1, sheet: 961).ToJsonString(), Parcels.Feature(2, sheet: 961).ToJsonString());
        await JsonAsync(await SubmitAsync(lines, key: "crs-1", contentType: "application/x-ndjson", query: "?crs=EPSG:9212"), HttpStatusCode.Created);
        var again = await SubmitAsync(lines, key: "crs-1", contentType: "application/x-ndjson", query: "?crs=http://www.opengis.net/def/crs/EPSG/0/9212");
        await JsonAsync(again, HttpStatusCode.OK);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        var wgs84 = await Problems.AssertProblemAsync(await SubmitAsync(lines, key: "crs-1", contentType: "application/x-ndjson"), HttpStatusCode.Conflict);
        Assert.Contains("with the same body but crs=EPSG:9212 (this request: the default, WGS 84); nothing was written", wgs84.GetProperty("detail").GetString());
        Assert.Equal(2L, await ParcelsOnSheetAsync(961));
    }

    [Fact]
    public async Task a_concurrent_double_submission_with_one_key_writes_once()
    {
        var body = Parcels.Collection(Parcels.Feature(1, sheet: 904), Parcels.Feature(2, sheet: 904));
        var answers = await Task.WhenAll(SubmitAsync(body, key: "race-1"), SubmitAsync(body, key: "race-1"), SubmitAsync(body, key: "race-1"));
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, a.StatusCode.ToString()));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Equal(2L, await ParcelsOnSheetAsync(904));
    }

    [Fact]
    public async Task one_invalid_record_rejects_the_batch_with_every_problem_located_and_nothing_written()
    {
        var selfIntersecting = Parcels.Feature(2, sheet: 905);
        selfIntersecting["geometry"]!["coordinates"] = JsonNode.Parse("[[[[590040,1300000],[590060,1300025],[590060,1300000],[590040,1300025],[590040,1300000]]]]");
        var unknownCode = Parcels.Feature(3, purpose: "XYZ", sheet: 905);
        var wrongType = Parcels.Feature(4, sheet: 905);
        wrongType["properties"]!["map_sheet"] = "nine";
        var body = Parcels.Collection(Parcels.Feature(1, sheet: 905), selfIntersecting, unknownCode, wrongType);

        var problem = await Problems.AssertProblemAsync(await SubmitAsync(body), HttpStatusCode.UnprocessableEntity);
        var problems = problem.GetProperty("problems").EnumerateArray()
            .Select(p => (Record: p.GetProperty("record").GetInt32(), Path: p.GetProperty("path").GetString(), Message: p.GetProperty("message").GetString()!))
            .ToList();
        Assert.Contains(problems, p => p.Record == 1 && p.Path == "geometry" && p.Message.Contains("Self-intersection", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(problems, p => p.Record == 2 && p.Path == "properties.land_uses[0].purpose_code" && p.Message.Contains("XYZ"));
        Assert.Contains(problems, p => p.Record == 3 && p.Path == "properties.map_sheet");
        Assert.DoesNotContain(problems, p => p.Record == 0);
        Assert.Equal(0L, await ParcelsOnSheetAsync(905));
    }

    [Fact]
    public async Task a_nul_character_in_a_record_is_a_problem_at_its_field_not_a_500_and_nothing_is_written()
    {
        var withNul = Parcels.Feature(2, sheet: 962);
        withNul["properties"]!["address"] = "Thôn 1\u0000";
        var problem = await Problems.AssertProblemAsync(await SubmitAsync(Parcels.Collection(Parcels.Feature(1, sheet: 962), withNul)), HttpStatusCode.UnprocessableEntity);
        var only = Assert.Single(problem.GetProperty("problems").EnumerateArray());
        Assert.Equal(1, only.GetProperty("record").GetInt32());
        Assert.Equal("properties.address", only.GetProperty("path").GetString());
        Assert.Equal("The value contains a NUL character (U+0000), which the hub does not accept.", only.GetProperty("message").GetString());
        Assert.Equal(0L, await ParcelsOnSheetAsync(962));
    }

    [Fact]
    public async Task half_a_surrogate_pair_in_a_record_is_a_problem_at_its_field_not_a_500_and_nothing_is_written()
    {
        var broken = Parcels.Feature(2, sheet: 963);
        broken["properties"]!["address"] = "HALF";
        // A JSON escape of a high surrogate with no low one after it: not text.
        var body = Parcels.Collection(Parcels.Feature(1, sheet: 963), broken).Replace("\"HALF\"", "\"Th\\ud800n 1\"", StringComparison.Ordinal);
        var problem = await Problems.AssertProblemAsync(await SubmitAsync(body), HttpStatusCode.UnprocessableEntity);
        var only = Assert.Single(problem.GetProperty("problems").EnumerateArray());
        Assert.Equal(1, only.GetProperty("record").GetInt32());
        Assert.Equal("properties.address", only.GetProperty("path").GetString());
        Assert.StartsWith("The value holds half of a UTF-16 surrogate pair", only.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0L, await ParcelsOnSheetAsync(963));
    }

    [Fact]
    public async Task valid_only_writes_the_valid_records_and_reports_the_others()
    {
        var bad = Parcels.Feature(2, purpose: "XYZ", sheet: 906);
        var result = await JsonAsync(await SubmitAsync(Parcels.Collection(Parcels.Feature(1, sheet: 906), bad, Parcels.Feature(3, sheet: 906)), query: "?mode=valid-only"), HttpStatusCode.Created);
        Assert.Equal(2, result.GetProperty("inserted").GetInt32());
        Assert.Equal(1, result.GetProperty("rejected").GetInt32());
        Assert.Equal(1, result.GetProperty("problems")[0].GetProperty("record").GetInt32());
        Assert.Equal(2L, await ParcelsOnSheetAsync(906));
    }

    [Fact]
    public async Task resubmitting_a_parcel_updates_it_keeps_history_and_an_unchanged_one_stays_unchanged()
    {
        await JsonAsync(await SubmitAsync(Parcels.Collection(Parcels.Feature(1, sheet: 907), Parcels.Feature(2, sheet: 907))), HttpStatusCode.Created);
        var changed = Parcels.Feature(1, purpose: "CLN", sheet: 907);
        changed["properties"]!["address"] = "Ấp 5, Xã Mẫu 100";
        var result = await JsonAsync(await SubmitAsync(Parcels.Collection(changed, Parcels.Feature(2, sheet: 907))), HttpStatusCode.Created);
        Assert.Equal(0, result.GetProperty("inserted").GetInt32());
        Assert.Equal(1, result.GetProperty("updated").GetInt32());
        Assert.Equal(1, result.GetProperty("unchanged").GetInt32());
        var id = result.GetProperty("id").GetString();
        Assert.Equal($"submission:{id}", await hub.ScalarAsync<string>("""
            select h.ended_by from history.land_parcels h join land.parcels p on p.id = h.id
            where p.map_sheet = 907 and p.parcel_no = 1
            """));
        Assert.Equal("CLN", await hub.ScalarAsync<string>("""
            select u.purpose_code from land.land_uses u join land.parcels p on p.id = u.parcel_id where p.map_sheet = 907 and p.parcel_no = 1
            """));
    }

    [Fact]
    public async Task a_retirement_removes_the_parcel_and_keeps_its_last_version()
    {
        await JsonAsync(await SubmitAsync(Parcels.Collection(Parcels.Feature(1, sheet: 908))), HttpStatusCode.Created);
        var retire = new JsonObject
        {
            ["type"] = "Feature",
            ["geometry"] = null,
            ["properties"] = new JsonObject { ["commune_code"] = Parcels.Commune, ["map_sheet"] = 908, ["parcel_no"] = 1, ["retired"] = true },
        };
        var result = await JsonAsync(await SubmitAsync(Parcels.Collection(retire)), HttpStatusCode.Created);
        Assert.Equal(1, result.GetProperty("retired").GetInt32());
        Assert.Equal(0L, await ParcelsOnSheetAsync(908));
        Assert.Equal(1L, await hub.ScalarAsync<long>("select count(*) from history.land_parcels where map_sheet = 908 and change = 'delete'"));
    }

    [Fact]
    public async Task wgs84_input_is_accepted_and_stored_in_vn2000()
    {
        var body = await Parcels.Wgs84CollectionAsync(hub, 909);
        await JsonAsync(await SubmitAsync(body), HttpStatusCode.Created);
        Assert.Equal(9212, await hub.ScalarAsync<int>("select ST_SRID(geom) from land.parcels where map_sheet = 909"));
        Assert.InRange(await hub.ScalarAsync<double>("select ST_Area(geom) from land.parcels where map_sheet = 909"), 480, 520);
    }

    [Fact]
    public async Task ndjson_is_accepted_with_the_crs_as_a_parameter()
    {
        var lines = string.Join('\n', Parcels.Feature(1, sheet: 910).ToJsonString(), Parcels.Feature(2, sheet: 910).ToJsonString());
        await JsonAsync(await SubmitAsync(lines, contentType: "application/x-ndjson", query: "?crs=EPSG:9212"), HttpStatusCode.Created);
        Assert.Equal(2L, await ParcelsOnSheetAsync(910));
    }

    [Fact]
    public async Task a_malformed_ndjson_line_is_a_400_naming_the_line_and_the_byte_in_it_and_nothing_is_written()
    {
        var lines = string.Join('\n', Parcels.Feature(1, sheet: 913).ToJsonString(), "{\"type\": \"Feature\" \"geometry\": null}");
        var problem = await Problems.AssertProblemAsync(await SubmitAsync(lines, contentType: "application/x-ndjson", query: "?crs=EPSG:9212"), HttpStatusCode.BadRequest);

        Assert.Equal("Line 2 is not valid JSON at byte 19 of the line: '\"' is invalid after a value. Expected either ',', '}', or ']'.",
            problem.GetProperty("detail").GetString());
        Assert.Equal(2, problem.GetProperty("bytePosition").GetInt64());
        Assert.Equal(0L, await ParcelsOnSheetAsync(913));
    }

    [Fact]
    public async Task duplicate_keys_within_a_batch_are_reported_against_the_later_record()
    {
        var problem = await Problems.AssertProblemAsync(
            await SubmitAsync(Parcels.Collection(Parcels.Feature(1, sheet: 911), Parcels.Feature(1, sheet: 911))), HttpStatusCode.UnprocessableEntity);
        var only = Assert.Single(problem.GetProperty("problems").EnumerateArray());
        Assert.Equal(1, only.GetProperty("record").GetInt32());
        Assert.Contains("record 0", only.GetProperty("message").GetString());
    }

    [Fact]
    public async Task a_stated_area_far_from_the_geometry_is_reported()
    {
        var problem = await Problems.AssertProblemAsync(
            await SubmitAsync(Parcels.Collection(Parcels.Feature(1, area: 900m, sheet: 912))), HttpStatusCode.UnprocessableEntity);
        Assert.Contains(problem.GetProperty("problems").EnumerateArray(), p => p.GetProperty("path").GetString() == "properties.area_m2");
    }

    [Theory]
    [InlineData("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",", HttpStatusCode.BadRequest)]
    [InlineData("{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:3857\"}},\"features\":[]}", HttpStatusCode.BadRequest)]
    public async Task a_body_that_cannot_be_read_is_refused_whole(string body, HttpStatusCode status)
    {
        var problem = await Problems.AssertProblemAsync(await SubmitAsync(body), status);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task malformed_json_names_the_byte_where_reading_stopped()
    {
        var problem = await Problems.AssertProblemAsync(await SubmitAsync("{\"type\":\"FeatureCollection\",\"features\":[{\"type\" \"Feature\"}]}"), HttpStatusCode.BadRequest);
        Assert.Equal("The body is not valid JSON at byte 48: '\"' is invalid after a property name. Expected a ':'.", problem.GetProperty("detail").GetString());
        Assert.Equal(48, problem.GetProperty("bytePosition").GetInt64()); // the quote that should have been a colon
    }

    [Fact]
    public async Task a_missing_idempotency_key_a_wrong_media_type_and_an_unknown_dataset_are_refused()
    {
        using var noKey = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new StringContent(Parcels.Collection(), Encoding.UTF8, "application/geo+json") };
        await Problems.AssertProblemAsync(await client.SendAsync(noKey), HttpStatusCode.BadRequest);
        var wrongType = await Problems.AssertProblemAsync(await SubmitAsync("x", contentType: "text/plain"), HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("Content-Type text/plain is not accepted at /api/v1/datasets/parcels/submissions; the API description (/openapi/v1.json) lists the types each operation takes.",
            wrongType.GetProperty("detail").GetString());
        using var unknown = new HttpRequestMessage(HttpMethod.Post, "/api/v1/datasets/owners/submissions") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        unknown.Headers.Add("Idempotency-Key", "k");
        await Problems.AssertProblemAsync(await client.SendAsync(unknown), HttpStatusCode.NotFound);
    }
}
