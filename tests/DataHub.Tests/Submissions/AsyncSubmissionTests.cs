using System.Net;
using System.Text.Json;
using DataHub.Tests.Infrastructure;

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
}
