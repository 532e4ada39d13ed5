using System.Net;
using System.Text.Json;
using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Submissions;

public sealed class AsyncSubmissionTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();
    private const string Url = "/api/v1/datasets/parcels/submissions";

    public static async Task<JsonElement> WaitForEndAsync(HttpClient client, Uri status, int seconds = 60)
    {
        for (var i = 0; i < seconds * 4; i++)
        {
            var answer = JsonDocument.Parse(await client.GetStringAsync(status)).RootElement;
            if (answer.GetProperty("status").GetString() is "applied" or "rejected")
            {
                return answer;
            }
            await Task.Delay(250);
        }
        throw new Xunit.Sdk.XunitException($"{status} did not finish within {seconds} s");
    }

    /// <summary>land.land_uses locked in exclusive mode until released: a worker applying a submission waits at its land uses meanwhile.</summary>
    internal sealed class LandUsesLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public static async Task<LandUsesLock> TakeAsync(string connectionString)
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand("lock table land.land_uses in exclusive mode", connection, transaction))
            {
                await command.ExecuteNonQueryAsync();
            }
            return new LandUsesLock(connection, transaction);
        }

        public Task ReleaseAsync() => transaction.CommitAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private Task<HttpResponseMessage> SubmitAsync(string body, string key) =>
        SubmitRequests.PostAsync(client, Url, body, key, respondAsync: true);

    [Fact]
    public async Task an_asynchronous_submission_answers_202_and_its_status_url_reports_the_result()
    {
        var features = Enumerable.Range(0, 2500).Select(n => Parcels.GridFeature(n, 920)).ToArray();
        var response = await SubmitAsync(Parcels.Collection(features), "async-1");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(accepted.GetProperty("status").GetString() is "received" or "processing", accepted.ToString());

        var done = await WaitForEndAsync(client, response.Headers.Location!);
        Assert.Equal("applied", done.GetProperty("status").GetString());
        Assert.Equal(2500, done.GetProperty("inserted").GetInt32());
        Assert.Equal(2500L, await hub.ScalarAsync<long>("select count(*) from land.parcels where map_sheet = 920"));
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from submissions.bodies"));
    }

    [Fact]
    public async Task an_asynchronous_body_that_is_not_json_ends_rejected_with_the_reason()
    {
        var response = await SubmitAsync("{\"type\":\"FeatureCollection\",\"features\":[{\"type\" \"Feature\"}]}", "async-bad");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var done = await WaitForEndAsync(client, response.Headers.Location!);
        Assert.Equal("rejected", done.GetProperty("status").GetString());
        Assert.Contains("not valid JSON", done.GetProperty("problems")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task repeating_an_asynchronous_submission_replays_it()
    {
        var body = Parcels.Collection(Parcels.GridFeature(0, 921));
        var first = await SubmitAsync(body, "async-replay");
        var done = await WaitForEndAsync(client, first.Headers.Location!);
        Assert.Equal("applied", done.GetProperty("status").GetString());
        var again = await SubmitAsync(body, "async-replay");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1L, await hub.ScalarAsync<long>("select count(*) from land.parcels where map_sheet = 921"));
    }
    private async Task<HttpResponseMessage> StatusAsync(Uri status, string prefer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, status);
        request.Headers.TryAddWithoutValidation("Prefer", prefer);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task a_status_request_that_prefers_to_wait_is_answered_when_the_submission_ends_and_not_before()
    {
        // The land uses are locked, so the worker's merge cannot end until this test lets it.
        await using var hold = await LandUsesLock.TakeAsync(hub.Database.ConnectionString);
        var response = await SubmitAsync(Parcels.Collection(Parcels.GridFeature(0, 922)), "async-wait");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var status = response.Headers.Location!;

        // A wait that runs out is answered with the submission as it stands.
        var early = await StatusAsync(status, "wait=1");
        Assert.Equal("wait=1", early.Headers.GetValues("Preference-Applied").Single());
        var going = JsonDocument.Parse(await early.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString();
        Assert.True(going is "received" or "processing", going);

        // A longer one (capped at Submissions:MaxWaitSeconds, 30) is still waiting while the merge cannot end...
        var waiting = StatusAsync(status, "respond-async, wait=600");
        await Task.Delay(500);
        Assert.False(waiting.IsCompleted, "the status request answered while the submission was still going");
        // ...and answers with the result once it has.
        await hold.ReleaseAsync();
        var answer = await waiting;
        Assert.Equal("wait=30", answer.Headers.GetValues("Preference-Applied").Single());
        var done = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("applied", done.GetProperty("status").GetString());
        Assert.Equal(1, done.GetProperty("inserted").GetInt32());
    }

    [Fact]
    public async Task a_stored_submission_reports_how_many_records_it_has_read_while_it_is_applied()
    {
        // The land uses are locked: the worker copies the first chunk's parcels and then waits at
        // their land uses, while its reader goes on as far as its buffers let it.
        await using var hold = await LandUsesLock.TakeAsync(hub.Database.ConnectionString);
        const int records = 20_000;
        var features = Enumerable.Range(0, records).Select(n => Parcels.GridFeature(n, 924)).ToArray();
        var response = await SubmitAsync(Parcels.Collection(features), "async-progress");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var status = response.Headers.Location!;

        JsonElement going = default;
        for (var i = 0; i < 240; i++)
        {
            going = JsonDocument.Parse(await client.GetStringAsync(status)).RootElement;
            if (going.TryGetProperty("recordsRead", out var p) && p.ValueKind == JsonValueKind.Number && p.GetInt32() >= 1000)
            {
                break;
            }
            await Task.Delay(250);
        }
        Assert.Equal("processing", going.GetProperty("status").GetString());
        var read = going.GetProperty("recordsRead").GetInt32();
        Assert.True(read is >= 1000 and < records && read % 1000 == 0, going.ToString());
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from land.parcels where map_sheet = 924"));

        await hold.ReleaseAsync();
        var done = await WaitForEndAsync(client, status);
        Assert.Equal("applied", done.GetProperty("status").GetString());
        Assert.Equal(records, done.GetProperty("inserted").GetInt32());
        Assert.False(done.TryGetProperty("recordsRead", out var left) && left.ValueKind != JsonValueKind.Null, done.ToString());
        // The count itself goes once the worker's transaction has ended (a moment after the status says so).
        var counted = $"select count(*) from submissions.progress where submission_id = '{done.GetProperty("id").GetString()}'";
        for (var i = 0; i < 40 && await hub.ScalarAsync<long>(counted) > 0; i++)
        {
            await Task.Delay(250);
        }
        Assert.Equal(0L, await hub.ScalarAsync<long>(counted));
    }

    [Fact]
    public async Task a_wait_preference_that_is_not_a_number_of_seconds_is_ignored_as_the_prefer_header_asks()
    {
        var response = await SubmitAsync(Parcels.Collection(Parcels.GridFeature(0, 923)), "async-wait-bad");
        var answer = await StatusAsync(response.Headers.Location!, "wait=soon");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.False(answer.Headers.Contains("Preference-Applied"));
    }
}
