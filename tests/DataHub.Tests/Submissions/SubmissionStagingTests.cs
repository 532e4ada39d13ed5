using System.Net;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Submissions;

/// <summary>
/// Submissions stage their records in a schema of their own, committed through a second
/// connection so that checking and merging overlap (SubmissionStaging): that schema must never
/// outlive its submission, and a merge run beside the checks must leave nothing when they find a
/// problem.
/// </summary>
public sealed class SubmissionStagingTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();
    private const string Url = "/api/v1/datasets/parcels/submissions";

    // This hub sweeps only when it starts, so a schema still here was not dropped by its submission.
    private Task<long> StagingSchemasAsync() => hub.ScalarAsync<long>(@"select count(*) from pg_namespace where nspname like 'submission\_%'");

    [Fact]
    public async Task no_staging_is_left_after_an_applied_a_rejected_a_malformed_or_an_asynchronous_submission()
    {
        await SubmitRequests.JsonAsync(await SubmitRequests.PostAsync(client, Url, Parcels.Collection(Parcels.Feature(1, sheet: 940))), HttpStatusCode.Created);
        Assert.Equal(0L, await StagingSchemasAsync());

        await Problems.AssertProblemAsync(await SubmitRequests.PostAsync(client, Url,
            Parcels.Collection(Parcels.Feature(2, sheet: 940), Parcels.Feature(3, purpose: "XXX", sheet: 940))), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(0L, await StagingSchemasAsync());

        await Problems.AssertProblemAsync(await SubmitRequests.PostAsync(client, Url,
            "{\"type\":\"FeatureCollection\",\"features\":[" + Parcels.Feature(4, sheet: 940).ToJsonString() + ",{\"type\""), HttpStatusCode.BadRequest);
        Assert.Equal(0L, await StagingSchemasAsync());

        var accepted = await SubmitRequests.PostAsync(client, Url, Parcels.Collection(Parcels.Feature(5, sheet: 940)), respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var done = await AsyncSubmissionTests.WaitForEndAsync(client, accepted.Headers.Location!, seconds: 60);
        Assert.Equal("applied", done.GetProperty("status").GetString());
        Assert.Equal(0L, await StagingSchemasAsync());

        Assert.Equal(2L, await hub.ScalarAsync<long>("select count(*) from land.parcels where map_sheet = 940"));
    }

    [Fact]
    public async Task a_merge_that_fails_on_a_key_repeated_in_the_batch_is_rolled_back_and_the_repeat_reported()
    {
        // Merged while the checks run: the second record updates the row the first inserted, which
        // PostgreSQL refuses within one statement; the checks' duplicate report is the answer.
        var problem = await Problems.AssertProblemAsync(await SubmitRequests.PostAsync(client, Url,
            Parcels.Collection(Parcels.Feature(1, sheet: 941), Parcels.Feature(2, sheet: 941), Parcels.Feature(2, sheet: 941))), HttpStatusCode.UnprocessableEntity);
        var only = Assert.Single(problem.GetProperty("problems").EnumerateArray());
        Assert.Equal(2, only.GetProperty("record").GetInt32());
        Assert.Equal($"Duplicate parcel ({Parcels.Commune}, sheet 941, parcel 2): record 1 has the same key.", only.GetProperty("message").GetString());
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from land.parcels where map_sheet = 941"));
        Assert.Equal(0L, await hub.ScalarAsync<long>(
            "select count(*) from catalog.changes c where c.table_name = 'land.parcels'::regclass and not exists (select 1 from land.parcels p where p.id::text = c.row_key) and c.op = 'insert' and c.changed_at > now() - interval '1 minute'"));
    }

    // The tests' hubs stage and merge three records at a time (HubFixture), so these batches span chunks.
    [Fact]
    public async Task a_batch_merged_in_several_chunks_counts_every_record_once()
    {
        var first = await SubmitRequests.JsonAsync(await SubmitRequests.PostAsync(client, Url,
            Parcels.Collection(Enumerable.Range(1, 7).Select(n => Parcels.Feature(n, sheet: 942)).ToArray())), HttpStatusCode.Created);
        Assert.Equal((7, 0, 0), (first.GetProperty("inserted").GetInt32(), first.GetProperty("updated").GetInt32(), first.GetProperty("unchanged").GetInt32()));

        // Parcels 2 and 6 change their purpose, parcel 8 is new.
        var again = await SubmitRequests.JsonAsync(await SubmitRequests.PostAsync(client, Url, Parcels.Collection(Enumerable.Range(1, 8)
            .Select(n => Parcels.Feature(n, purpose: n is 2 or 6 ? "CLN" : "ONT", sheet: 942)).ToArray())), HttpStatusCode.Created);
        Assert.Equal((1, 2, 5), (again.GetProperty("inserted").GetInt32(), again.GetProperty("updated").GetInt32(), again.GetProperty("unchanged").GetInt32()));
        Assert.Equal(8L, await hub.ScalarAsync<long>("select count(*) from land.parcels where map_sheet = 942"));
    }

    [Fact]
    public async Task a_key_repeated_in_a_later_chunk_rolls_back_the_chunks_already_merged()
    {
        // Records 0-2 are merged as the first chunk while records 3-4 are staged; record 4 repeats record 0.
        var problem = await Problems.AssertProblemAsync(await SubmitRequests.PostAsync(client, Url, Parcels.Collection(
            Parcels.Feature(1, sheet: 943), Parcels.Feature(2, sheet: 943), Parcels.Feature(3, sheet: 943), Parcels.Feature(4, sheet: 943), Parcels.Feature(1, sheet: 943))),
            HttpStatusCode.UnprocessableEntity);
        var only = Assert.Single(problem.GetProperty("problems").EnumerateArray());
        Assert.Equal(4, only.GetProperty("record").GetInt32());
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from land.parcels where map_sheet = 943"));
    }
}

/// <summary>A hub whose worker sweeps leftover staging on every poll (every 100 ms).</summary>
public sealed class SweepingHubFixture : SeededHubFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Submissions:SweepMinutes", "0"), new("Submissions:PollMilliseconds", "100")];
}

public sealed class StagingSweepTests(SweepingHubFixture hub) : IClassFixture<SweepingHubFixture>
{
    private Task<bool> ExistsAsync(string schema) => hub.ScalarAsync<bool>("select exists (select 1 from pg_namespace where nspname = $1)", schema);

    private async Task<bool> GoneWithinAsync(string schema, TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (!await ExistsAsync(schema))
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }

    [Fact]
    public async Task staging_left_by_a_submission_that_ended_is_swept_and_staging_in_use_is_not()
    {
        var left = $"submission_{Guid.NewGuid():N}";
        var inUse = $"submission_{Guid.NewGuid():N}";
        var transaction = await hub.HoldStagingAsync(inUse);
        await using var connection = transaction.Connection!;
        await using var held = transaction; // ended before its connection closes
        foreach (var schema in new[] { left, inUse })
        {
            await hub.ExecuteAsWriterAsync($"create schema \"{schema}\"; create unlogged table \"{schema}\".staged_parcels (id int)");
        }

        Assert.True(await GoneWithinAsync(left, TimeSpan.FromSeconds(30)), "the staging of an ended submission was not swept");
        await Task.Delay(1000); // ten more sweeps
        Assert.True(await ExistsAsync(inUse), "the staging of a running submission was swept");

        await transaction.RollbackAsync();
        Assert.True(await GoneWithinAsync(inUse, TimeSpan.FromSeconds(30)), "the staging was not swept once its submission ended");
    }
}
