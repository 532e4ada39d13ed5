using System.Net;
using System.Text.Json;
using DataHub.Tests.Infrastructure;
using DataHub.Tests.Jobs;

namespace DataHub.Tests.Accounts;

public sealed class SchedulingHubFixture : HubFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Scheduling:Enabled", "true")];
}

public sealed class DeparturesJobTests(SchedulingHubFixture hub) : IClassFixture<SchedulingHubFixture>
{
    [Fact]
    public async Task the_daily_departures_job_revokes_the_accounts_whose_rights_end_today()
    {
        var id = await TestPrincipals.CreateAccountAsync(hub.Database.ConnectionString, "j" + Guid.NewGuid().ToString("N")[..8], "snnmt-dn", ["reader"]);
        // Recorded earlier with a handover period that ends today: not applied yet.
        await People.ExecuteAsync(hub, $"""
            insert into access.departures (account_id, kind, effective_on, rights_end_on, recorded_by)
            values ('{id}', 'retirement', (now() at time zone 'Asia/Ho_Chi_Minh')::date, (now() at time zone 'Asia/Ho_Chi_Minh')::date, 'test')
            """);
        using var admin = hub.CreateClient();
        Assert.Single(JsonDocument.Parse(await admin.GetStringAsync("/api/v1/jobs")).RootElement.GetProperty("jobs").EnumerateArray(),
            j => j.GetProperty("name").GetString() == "departures-apply");

        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        var trigger = await admin.PostAsync("/api/v1/jobs/departures-apply/trigger", null);
        Assert.Equal(HttpStatusCode.Accepted, trigger.StatusCode);
        var run = await JobsTests.WaitForLastRunAsync(admin, trigger.Headers.Location!, started);
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("1 departure(s) applied", run.GetProperty("result").GetString());

        var account = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/accounts/{id}")).RootElement;
        Assert.Equal("revoked", account.GetProperty("status").GetString());
        Assert.Empty(account.GetProperty("roles").EnumerateArray());
    }
}
