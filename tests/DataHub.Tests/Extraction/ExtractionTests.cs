using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Extraction;

public sealed class ExtractionHubFixture : SeededHubFixture
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "datahub-extraction-tests-" + Guid.NewGuid().ToString("N"));

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Extractions:Folder", Folder), new("Extractions:Lifetime", "00:00:03"), new("Extractions:PollMilliseconds", "200")];
}

/// <summary>Extraction jobs: the query of the collections, run to a file with progress, recorded, expiring.</summary>
public sealed class ExtractionTests(ExtractionHubFixture hub) : IClassFixture<ExtractionHubFixture>
{
    private static readonly string[] Fields = ["commune_code", "area_m2", "geometry"];
    private readonly HttpClient client = hub.CreateClient();

    private async Task<JsonElement> RunAsync(object request)
    {
        var response = await client.PostAsJsonAsync("/api/v1/extractions", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        var location = response.Headers.Location!;
        for (var i = 0; i < 100; i++)
        {
            var job = JsonDocument.Parse(await client.GetStringAsync(location)).RootElement;
            if (job.GetProperty("status").GetString() is "done" or "failed")
            {
                return job;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the extraction did not finish");
    }

    /// <summary>As the items' bbox: a box whose west edge lies east of its east edge crosses the antimeridian.</summary>
    [Fact]
    public async Task an_area_across_the_antimeridian_is_the_two_boxes_either_side_of_it()
    {
        // From the middle of the province eastwards across the antimeridian, round to 100° E.
        var middle = await hub.ScalarAsync<double>("select percentile_disc(0.5) within group (order by ST_X(ST_Transform(ST_Centroid(geom), 4326))) from land.parcels");
        var across = await RunAsync(new { dataset = "parcels", format = "csv", fields = Fields, area = new { bbox = new[] { middle, 10, 100, 13 } } });
        var east = await hub.ScalarAsync<long>("""
            select count(*) from land.parcels
            where ST_Intersects(geom, ST_Transform(ST_Segmentize(ST_MakeEnvelope($1, 10, 108, 13, 4326), 0.001), 9212))
            """, middle);
        var total = await hub.ScalarAsync<long>("select count(*) from land.parcels");
        Assert.True(east > 0 && east < total, $"{east} of {total}");
        Assert.Equal("done", across.GetProperty("status").GetString());
        Assert.Equal(east, across.GetProperty("rowsWritten").GetInt64());
    }

    [Fact]
    public async Task a_job_request_that_prefers_to_wait_is_answered_when_the_job_ends_and_not_before()
    {
        // The statistics are locked, so the job cannot count its rows until this test lets it.
        await using var connection = new NpgsqlConnection(hub.Database.ConnectionString);
        await connection.OpenAsync();
        await using var hold = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("lock table land.statistics in access exclusive mode", connection, hold))
        {
            await command.ExecuteNonQueryAsync();
        }
        var created = await client.PostAsJsonAsync("/api/v1/extractions", new { dataset = "land-statistics", format = "csv" });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, created.Headers.Location);
        request.Headers.TryAddWithoutValidation("Prefer", "wait=20");
        var waiting = client.SendAsync(request);
        await Task.Delay(700);
        Assert.False(waiting.IsCompleted, "the job request answered while the job could not have ended");
        await hold.CommitAsync();
        var answer = await waiting;
        Assert.Equal("wait=20", answer.Headers.GetValues("Preference-Applied").Single());
        var job = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("done", job.GetProperty("status").GetString());
        Assert.Equal(await hub.ScalarAsync<long>("select count(*) from land.statistics"), job.GetProperty("rowsWritten").GetInt64());
    }

    [Fact]
    public async Task a_filtered_extraction_within_a_unit_writes_the_matching_parcels_as_geojson()
    {
        var commune = await hub.ScalarAsync<string>("select min(new_code) from ref.admin_unit_successions where new_code like '265%'");
        var job = await RunAsync(new { dataset = "parcels", fields = Fields, filter = "main_purpose_code = 'CLN'", area = new { unit = commune }, format = "geojson" });
        Assert.Equal("done", job.GetProperty("status").GetString());
        var expected = await hub.ScalarAsync<long>("""
            select count(*) from sharing.parcels p where p.main_purpose_code = 'CLN'
              and ST_Intersects(p.geom, (select boundary from ref.admin_units where code = $1 order by valid_from desc limit 1))
            """, commune);
        Assert.True(expected > 0);
        Assert.Equal(expected, job.GetProperty("rowsWritten").GetInt64());
        Assert.Equal(expected, job.GetProperty("rowsTotal").GetInt64());
        Assert.Equal(1.0, job.GetProperty("progress").GetDouble());
        Assert.Equal($"account:{TestPrincipals.OperatorId}", job.GetProperty("requestedBy").GetString());

        var file = await client.GetAsync($"/api/v1/extractions/{job.GetProperty("id").GetString()}/file");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        var collection = JsonDocument.Parse(await file.Content.ReadAsStringAsync()).RootElement;
        var features = collection.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(expected, features.Count);
        Assert.All(features, f => Assert.Equal(["commune_code", "area_m2"], f.GetProperty("properties").EnumerateObject().Select(p => p.Name)));
        Assert.All(features, f => Assert.Equal("MultiPolygon", f.GetProperty("geometry").GetProperty("type").GetString()));
    }

    [Fact]
    public async Task a_csv_extraction_writes_a_header_and_a_line_per_row_and_the_file_expires()
    {
        var job = await RunAsync(new { dataset = "land-statistics", filter = "year = 2024 AND purpose_code = 'ONT'", format = "csv" });
        var expected = await hub.ScalarAsync<long>("select count(*) from land.statistics where year = 2024 and purpose_code = 'ONT'");
        Assert.Equal(expected, job.GetProperty("rowsWritten").GetInt64());
        var id = job.GetProperty("id").GetString();
        var text = await client.GetStringAsync($"/api/v1/extractions/{id}/file");
        var lines = text.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,unit_code,purpose_code", lines[0], StringComparison.Ordinal);
        Assert.Equal(expected, lines.Length - 1);

        // Lifetime 3 s in this fixture: the file goes, the record stays.
        await Task.Delay(TimeSpan.FromSeconds(4.5));
        Assert.Equal(HttpStatusCode.Gone, (await client.GetAsync($"/api/v1/extractions/{id}/file")).StatusCode);
        Assert.Empty(Directory.GetFiles(hub.Folder, $"{id}.*"));
        var record = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/extractions/{id}")).RootElement;
        Assert.Equal("expired", record.GetProperty("status").GetString());
        var list = JsonDocument.Parse(await client.GetStringAsync("/api/v1/extractions")).RootElement;
        Assert.Contains(list.EnumerateArray(), j => j.GetProperty("id").GetString() == id);
    }

    [Theory]
    [InlineData("""{"dataset": "parcel-users", "format": "csv"}""", "dataset")]
    [InlineData("""{"dataset": "parcels", "fields": ["full_name"]}""", "fields")]
    [InlineData("""{"dataset": "parcels", "filter": "no_such_field = 1"}""", "filter")]
    [InlineData("""{"dataset": "parcels", "area": {"bbox": [1, 2]}}""", "area")]
    [InlineData("""{"dataset": "parcels", "format": "shp"}""", "format")]
    public async Task personal_data_and_bad_queries_are_refused_before_any_job(string body, string field)
    {
        var response = await client.PostAsync("/api/v1/extractions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task another_readers_extraction_is_invisible_and_downloads_are_audited()
    {
        var job = await RunAsync(new { dataset = "parcels", fields = Fields, format = "csv" });
        var id = job.GetProperty("id").GetString();
        var readerId = await TestPrincipals.CreateAccountAsync(hub.Database.ConnectionString, "x" + Guid.NewGuid().ToString("N")[..8], "thue-dn", ["reader"]);
        using var reader = hub.CreateClientWithToken(TestPrincipals.Token($"account:{readerId}"));
        await Problems.AssertProblemAsync(await reader.GetAsync($"/api/v1/extractions/{id}"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await reader.GetAsync($"/api/v1/extractions/{id}/file"), HttpStatusCode.NotFound);
        Assert.Empty(JsonDocument.Parse(await reader.GetStringAsync("/api/v1/extractions")).RootElement.EnumerateArray());

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/extractions/{id}/file")).StatusCode);
        var audit = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/audit?target=extraction:{id}")).RootElement.GetProperty("entries");
        Assert.Equal(["extraction.downloaded", "extraction.requested"], audit.EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList());
    }
}

public sealed class SlowPollExtractionHubFixture : SeededHubFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Extractions:PollMilliseconds", "600000")];
}

public sealed class RequestedExtractionWakesWorkerTests(SlowPollExtractionHubFixture hub) : IClassFixture<SlowPollExtractionHubFixture>
{
    [Fact]
    public async Task an_extraction_is_run_without_waiting_for_the_workers_poll()
    {
        var client = hub.CreateClient();
        var created = await client.PostAsJsonAsync("/api/v1/extractions", new { dataset = "land-statistics", format = "csv" });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        // Well within the ten-minute poll: only the request's own signal can have started it.
        using var request = new HttpRequestMessage(HttpMethod.Get, created.Headers.Location);
        request.Headers.TryAddWithoutValidation("Prefer", "wait=30");
        var job = JsonDocument.Parse(await (await client.SendAsync(request)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("done", job.GetProperty("status").GetString());
    }
}
