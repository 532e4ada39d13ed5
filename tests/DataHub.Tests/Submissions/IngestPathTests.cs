using System.Net;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Submissions;

/// <summary>
/// The parts of the parcel write path made cheaper for large batches (docs/performance.md,
/// ingest): each must still say and record what the slower path did.
/// </summary>
public sealed class IngestPathTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();
    private const string Url = "/api/v1/datasets/parcels/submissions";

    private Task<long> ChangesAsync(string table, int sheet, int parcel) => hub.ScalarAsync<long>("""
        select count(*) from catalog.changes c
        join land.parcels p on p.id::text = c.row_key
        where c.table_name = $1::regclass and p.map_sheet = $2 and p.parcel_no = $3
        """, table, sheet, parcel);

    [Fact]
    public async Task a_new_parcel_is_in_the_change_feed_once_and_a_changed_land_use_of_an_existing_one_in_the_same_batch_still_is()
    {
        await SubmitRequests.JsonAsync(await SubmitRequests.PostAsync(client, Url, Parcels.Collection(Parcels.Feature(1, sheet: 930))), HttpStatusCode.Created);
        Assert.Equal(1L, await ChangesAsync("land.parcels", 930, 1));
        Assert.Equal(0L, await ChangesAsync("land.land_uses", 930, 1));

        // One batch: a new parcel (its land uses go with its insert) and the existing parcel with
        // another purpose (a land-use change only, which must be recorded).
        var result = await SubmitRequests.JsonAsync(await SubmitRequests.PostAsync(client, Url,
            Parcels.Collection(Parcels.Feature(2, sheet: 930), Parcels.Feature(1, purpose: "CLN", sheet: 930))), HttpStatusCode.Created);
        Assert.Equal(1, result.GetProperty("inserted").GetInt32());
        Assert.Equal(1, result.GetProperty("updated").GetInt32());
        Assert.Equal(1L, await ChangesAsync("land.parcels", 930, 2));
        Assert.Equal(0L, await ChangesAsync("land.land_uses", 930, 2));
        Assert.Equal(1L, await ChangesAsync("land.parcels", 930, 1));
        Assert.True(await ChangesAsync("land.land_uses", 930, 1) >= 1, "the changed land use of parcel 1 is not in the change feed");
        Assert.Equal(1L, await hub.ScalarAsync<long>("""
            select count(*) from land.land_uses u join land.parcels p on p.id = u.parcel_id
            where p.map_sheet = 930 and p.parcel_no = 2 and u.purpose_code = 'ONT'
            """));
    }

    [Fact]
    public async Task land_uses_that_do_not_add_up_to_the_parcel_area_are_reported_and_nothing_is_written()
    {
        var feature = Parcels.Feature(1, sheet: 931);
        feature["properties"]!["land_uses"]![0]!["area_m2"] = 400m;
        var problem = await Problems.AssertProblemAsync(
            await SubmitRequests.PostAsync(client, Url, Parcels.Collection(Parcels.Feature(2, sheet: 931), feature)), HttpStatusCode.UnprocessableEntity);
        var only = Assert.Single(problem.GetProperty("problems").EnumerateArray());
        Assert.Equal(1, only.GetProperty("record").GetInt32());
        Assert.Equal("rec-1", only.GetProperty("id").GetString());
        Assert.Equal("properties.land_uses", only.GetProperty("path").GetString());
        Assert.Equal("The land uses add up to 400 m², the parcel has 500 m².", only.GetProperty("message").GetString());
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from land.parcels where map_sheet = 931"));
    }
}

/// <summary>A hub whose submission worker would otherwise look for work only every ten minutes.</summary>
public sealed class SlowPollHubFixture : SeededHubFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Submissions:PollMilliseconds", "600000")];
}

public sealed class AcceptedSubmissionWakesWorkerTests(SlowPollHubFixture hub) : IClassFixture<SlowPollHubFixture>
{
    [Fact]
    public async Task a_submission_answered_202_is_applied_without_waiting_for_the_workers_poll()
    {
        var client = hub.CreateClient();
        // Ended within a minute, well within the ten-minute poll: only the accepting request's
        // signal can have started it.
        var (_, done) = await SubmitRequests.StoredAsync(client, "/api/v1/datasets/parcels/submissions",
            Parcels.Collection(Parcels.Feature(1, sheet: 932), Parcels.Feature(2, sheet: 932)));
        Assert.Equal("applied", done.GetProperty("status").GetString());
        Assert.Equal(2L, await hub.ScalarAsync<long>("select count(*) from land.parcels where map_sheet = 932"));
    }
}
