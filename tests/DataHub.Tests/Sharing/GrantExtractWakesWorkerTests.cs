using DataHub.Tests.Collections;

namespace DataHub.Tests.Sharing;

/// <summary>The sharing hub with an extraction worker that polls only every ten minutes.</summary>
public sealed class SlowPollSharingHubFixture : SharingHubFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [.. base.Settings().Where(s => s.Key != "Extractions:PollMilliseconds"), new("Extractions:PollMilliseconds", "600000")];
}

public sealed class GrantExtractWakesWorkerTests(SlowPollSharingHubFixture hub) : IClassFixture<SlowPollSharingHubFixture>
{
    [Fact]
    public async Task an_approved_one_off_extract_is_made_without_waiting_for_the_workers_poll()
    {
        var grantId = await hub.GrantAsync(["parcel_id", "role"], "role = 'owner'", SharingHubFixture.Today, SharingHubFixture.Today.AddDays(5),
            delivery: "extract", format: "csv");
        using var grantee = hub.As(hub.Requester);
        // Well within the ten-minute poll (bounded at 30 s): only the approval's signal can have started it.
        var status = "";
        for (var i = 0; i < 300 && status is not ("done" or "failed"); i++)
        {
            await Task.Delay(100);
            status = (await Ogc.GetJsonAsync(grantee, $"/api/v1/grants/{grantId}")).GetProperty("extracts")[0].GetProperty("status").GetString();
        }
        Assert.Equal("done", status);
    }
}
