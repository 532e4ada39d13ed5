using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Submissions;

/// <summary>
/// Land statistics go through the same submission pipeline as parcels, keyed by (unit, purpose,
/// user type, year) and checked against the units and code lists in force on 31 December of the year.
/// The seeded figures are for 2024, so these tests write 2023 (and 2025, after the merger).
/// </summary>
public sealed class LandStatisticsSubmissionTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();
    private const string Url = "/api/v1/datasets/land-statistics/submissions";

    private static JsonObject Figure(string unit, string purpose, string userType, int year, decimal area, string source = "statistics-test") => new()
    {
        ["type"] = "Feature",
        ["id"] = $"{unit}-{purpose}-{userType}-{year}",
        ["geometry"] = null,
        ["properties"] = new JsonObject
        {
            ["unit_code"] = unit, ["purpose_code"] = purpose, ["user_type_code"] = userType,
            ["year"] = year, ["area_m2"] = area, ["source"] = source,
        },
    };

    private static string Collection(params JsonObject[] features) =>
        new JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray(features) }.ToJsonString();

    private Task<HttpResponseMessage> SubmitAsync(string body, string? key = null, string query = "", bool respondAsync = false) =>
        SubmitRequests.PostAsync(client, Url + query, body, key, respondAsync: respondAsync);

    private static Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected) =>
        SubmitRequests.JsonAsync(response, expected);

    private Task<long> FiguresAsync(string unit, int year) =>
        hub.ScalarAsync<long>("select count(*) from land.statistics where unit_code = $1 and year = $2", unit, year);

    [Fact]
    public async Task a_valid_batch_of_figures_is_written_with_the_submission_as_writer()
    {
        var response = await SubmitAsync(Collection(
            Figure("25100", "ONT", "GDC", 2023, 1234.56m), Figure("25100", "CLN", "GDC", 2023, 5000), Figure("25100", "ONT", "TKT", 2023, 0)));
        var result = await JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal("applied", result.GetProperty("status").GetString());
        Assert.Equal(3, result.GetProperty("received").GetInt32());
        Assert.Equal(3, result.GetProperty("inserted").GetInt32());
        Assert.Equal(0, result.GetProperty("updated").GetInt32());
        var id = result.GetProperty("id").GetString();
        Assert.Equal(3L, await FiguresAsync("25100", 2023));
        Assert.Equal($"submission:{id}", await hub.ScalarAsync<string>("select distinct written_by from land.statistics where unit_code = '25100' and year = 2023"));
        Assert.Equal(1234.6m, await hub.ScalarAsync<decimal>(
            "select area_m2 from land.statistics where (unit_code, purpose_code, user_type_code, year) = ('25100', 'ONT', 'GDC', 2023)"));

        var status = await JsonAsync(await client.GetAsync(response.Headers.Location), HttpStatusCode.OK);
        Assert.Equal("applied", status.GetProperty("status").GetString());
        Assert.Equal("land-statistics", status.GetProperty("dataset").GetString());
    }

    [Fact]
    public async Task figures_of_a_commune_formed_in_2025_are_taken_for_2025_with_the_2024_user_types()
    {
        var result = await JsonAsync(await SubmitAsync(Collection(Figure("26500", "ONT", "CNV", 2025, 800))), HttpStatusCode.Created);
        Assert.Equal(1, result.GetProperty("inserted").GetInt32());
        Assert.Equal(1L, await FiguresAsync("26500", 2025));
    }

    [Fact]
    public async Task resubmitting_a_figure_with_another_area_updates_it_keeps_history_and_an_unchanged_one_stays_unchanged()
    {
        await JsonAsync(await SubmitAsync(Collection(Figure("25103", "ONT", "GDC", 2023, 1000), Figure("25103", "CLN", "GDC", 2023, 2000))), HttpStatusCode.Created);
        var result = await JsonAsync(await SubmitAsync(Collection(Figure("25103", "ONT", "GDC", 2023, 1500), Figure("25103", "CLN", "GDC", 2023, 2000))), HttpStatusCode.Created);
        Assert.Equal(0, result.GetProperty("inserted").GetInt32());
        Assert.Equal(1, result.GetProperty("updated").GetInt32());
        Assert.Equal(1, result.GetProperty("unchanged").GetInt32());
        var second = result.GetProperty("id").GetString();

        const string key = "unit_code = '25103' and purpose_code = '{0}' and user_type_code = 'GDC' and year = 2023";
        Assert.Equal(1500m, await hub.ScalarAsync<decimal>($"select area_m2 from land.statistics where {string.Format(null, key, "ONT")}"));
        Assert.Equal($"submission:{second}", await hub.ScalarAsync<string>($"select written_by from land.statistics where {string.Format(null, key, "ONT")}"));
        Assert.Equal(1000m, await hub.ScalarAsync<decimal>($"select area_m2 from history.land_statistics where {string.Format(null, key, "ONT")}"));
        Assert.Equal($"submission:{second}", await hub.ScalarAsync<string>($"select ended_by from history.land_statistics where {string.Format(null, key, "ONT")}"));
        Assert.Equal(0L, await hub.ScalarAsync<long>($"select count(*) from history.land_statistics where {string.Format(null, key, "CLN")}"));
    }

    [Fact]
    public async Task invalid_units_codes_and_duplicates_reject_the_batch_with_each_problem_located_and_nothing_written()
    {
        var wrongYear = Figure("25109", "ONT", "TKT", 2023, 10);
        wrongYear["properties"]!["year"] = "2023";
        var body = Collection(
            Figure("25106", "ONT", "TKT", 2023, 100),   // 0: valid
            Figure("25106", "ONT", "TKT", 2025, 100),   // 1: the commune was merged on 2025-07-01
            Figure("25106", "DDT", "TKT", 2024, 100),   // 2: DDT ended on 2024-08-01
            Figure("25106", "ONT", "GDC", 2024, 100),   // 3: GDC ended on 2024-08-01
            Figure("25106", "ONT", "TKT", 2023, 200),   // 4: the same key as record 0
            wrongYear);                                 // 5: not the exchange structure

        var problem = await Problems.AssertProblemAsync(await SubmitAsync(body), HttpStatusCode.UnprocessableEntity);
        var problems = problem.GetProperty("problems").EnumerateArray()
            .Select(p => (Record: p.GetProperty("record").GetInt32(), Path: p.GetProperty("path").GetString(), Message: p.GetProperty("message").GetString()!))
            .ToList();
        Assert.Contains(problems, p => p.Record == 1 && p.Path == "properties.unit_code" && p.Message.Contains("25106") && p.Message.Contains("2025-12-31"));
        Assert.Contains(problems, p => p.Record == 2 && p.Path == "properties.purpose_code" && p.Message.Contains("DDT"));
        Assert.Contains(problems, p => p.Record == 3 && p.Path == "properties.user_type_code" && p.Message.Contains("GDC"));
        Assert.Contains(problems, p => p.Record == 4 && p.Path == "properties" && p.Message.Contains("record 0"));
        Assert.Contains(problems, p => p.Record == 5 && p.Path == "properties.year");
        Assert.DoesNotContain(problems, p => p.Record == 0);
        Assert.Equal(5, problem.GetProperty("problemCount").GetInt32());
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from land.statistics where unit_code in ('25106', '25109') and written_by like 'submission:%'"));
    }

    [Fact]
    public async Task valid_only_writes_the_valid_figures_and_reports_the_others()
    {
        var result = await JsonAsync(await SubmitAsync(Collection(
            Figure("25112", "ONT", "TKT", 2023, 100), Figure("25112", "XYZ", "TKT", 2023, 100), Figure("25112", "ONT", "TKT", 2023, 300)),
            query: "?mode=valid-only"), HttpStatusCode.Created);
        Assert.Equal(1, result.GetProperty("inserted").GetInt32());
        Assert.Equal(2, result.GetProperty("rejected").GetInt32());
        Assert.Equal(100m, await hub.ScalarAsync<decimal>("select area_m2 from land.statistics where unit_code = '25112' and year = 2023"));
    }

    [Fact]
    public async Task the_same_key_and_body_replays_the_answer_and_writes_nothing_twice()
    {
        var body = Collection(Figure("25115", "ONT", "TKT", 2023, 100));
        var first = await JsonAsync(await SubmitAsync(body, key: "statistics-replay-1"), HttpStatusCode.Created);
        var again = await SubmitAsync(body, key: "statistics-replay-1");
        var second = await JsonAsync(again, HttpStatusCode.OK);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.Equal(1L, await FiguresAsync("25115", 2023));
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from history.land_statistics where unit_code = '25115'"));
    }

    [Fact]
    public async Task an_asynchronous_batch_of_figures_is_applied_by_the_worker()
    {
        var purposes = new[] { "ONT", "CLN", "HNK", "LUC", "RSX" };
        var figures = Enumerable.Range(2000, 24).SelectMany(year => purposes.Select(p => Figure("25118", p, "TKT", year, year))).ToArray();
        var response = await SubmitAsync(Collection(figures), respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var done = await AsyncSubmissionTests.WaitForEndAsync(client, response.Headers.Location!);
        Assert.Equal("applied", done.GetProperty("status").GetString());
        Assert.Equal(120, done.GetProperty("inserted").GetInt32());
        Assert.Equal(120L, await hub.ScalarAsync<long>("select count(*) from land.statistics where unit_code = '25118' and year < 2024"));
    }

    [Fact]
    public async Task a_dataset_without_a_batch_still_answers_422_naming_the_datasets_that_take_submissions()
    {
        var problem = await Problems.AssertProblemAsync(
            await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/datasets/admin-units/submissions")
            {
                Content = new StringContent(Collection(), Encoding.UTF8, "application/geo+json"),
                Headers = { { "Idempotency-Key", "admin-units-1" } },
            }), HttpStatusCode.UnprocessableEntity);
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("land-statistics", detail);
        Assert.Contains("planning-zones", detail);
    }
}
