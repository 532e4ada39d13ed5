using System.Net;
using System.Text;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Submissions;

/// <summary>The seeded hub with small limits: bodies of at most 1 MB, at most 2,000 records.</summary>
public sealed class LimitsHubFixture : SubmissionLogHubFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [.. base.Settings(), new("Submissions:MaxBodyBytes", "1048576"), new("Submissions:MaxRecords", "2000")];
}

/// <summary>
/// A submission's limits (Submissions:MaxBodyBytes, Submissions:MaxRecords): a 413 problem that
/// names the limit, or for a stored body whose records are counted only as they are read, an end
/// rejected that names it; nothing written either way.
/// </summary>
public sealed class SubmissionLimitsTests(LimitsHubFixture hub) : IClassFixture<LimitsHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();
    private const string Url = "/api/v1/datasets/parcels/submissions";
    private const string TooMany = "A submission may hold at most 2,000 records; split the batch.";

    private static string Body(int records, int sheet) =>
        Parcels.Collection(Enumerable.Range(0, records).Select(n => Parcels.GridFeature(n, sheet)).ToArray());

    private Task<long> ParcelsOnSheetAsync(int sheet) =>
        hub.ScalarAsync<long>("select count(*) from land.parcels where map_sheet = $1", sheet);

    [Theory]
    [InlineData(false, 954)]
    [InlineData(true, 955)] // stored, and applied while received: that apply is undone too
    public async Task a_body_over_the_size_limit_is_a_413_problem_naming_the_limit_and_nothing_is_kept(bool respondAsync, int sheet)
    {
        var body = Body(3500, sheet);
        Assert.True(Encoding.UTF8.GetByteCount(body) > 1 << 20);
        var key = Guid.NewGuid().ToString();

        var problem = await Problems.AssertProblemAsync(await SubmitRequests.PostAsync(client, Url, body, key, respondAsync: respondAsync),
            HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal("A submission's body may be at most 1,048,576 bytes; nothing was written. Split the batch into smaller submissions.",
            problem.GetProperty("detail").GetString());
        Assert.Equal(0L, await ParcelsOnSheetAsync(sheet));
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from submissions.submissions where idempotency_key = $1", key));
        Assert.Equal(0L, await hub.ScalarAsync<long>(
            "select count(*) from submissions.bodies b where not exists (select from submissions.submissions s where s.id = b.submission_id)"));
    }

    [Fact]
    public async Task after_a_stored_body_over_the_size_limit_the_next_stored_batch_is_still_applied_while_it_is_received()
    {
        await Problems.AssertProblemAsync(await SubmitRequests.PostAsync(client, Url, Body(3500, 956), respondAsync: true),
            HttpStatusCode.RequestEntityTooLarge);

        var (status, end) = await SubmitRequests.StoredAsync(client, Url, Body(1500, 957));

        Assert.Equal("applied", end.GetProperty("status").GetString());
        Assert.True(hub.Said(status, "is applied while it is received"), string.Join('\n', hub.Lines));
        Assert.Equal(1500L, await ParcelsOnSheetAsync(957));
    }

    [Fact]
    public async Task more_records_than_the_limit_answered_at_once_is_a_413_problem_naming_the_limit_and_nothing_is_written()
    {
        var problem = await Problems.AssertProblemAsync(await SubmitRequests.PostAsync(client, Url, Body(2001, 958)), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(TooMany, problem.GetProperty("detail").GetString());
        Assert.Equal(0L, await ParcelsOnSheetAsync(958));
    }

    [Fact]
    public async Task more_records_than_the_limit_stored_ends_rejected_naming_the_limit_and_nothing_is_written()
    {
        var (_, end) = await SubmitRequests.StoredAsync(client, Url, Body(2001, 959));

        Assert.Equal("rejected", end.GetProperty("status").GetString());
        Assert.Equal(TooMany, end.GetProperty("problems")[0].GetProperty("message").GetString());
        Assert.Equal(0L, await ParcelsOnSheetAsync(959));
    }
}
