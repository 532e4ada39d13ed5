using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Accounts;

public sealed class DepartureTests(HubFixture hub) : IClassFixture<HubFixture>
{
    private static string Today => DateTime.UtcNow.AddHours(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<(Guid Id, HttpClient Client)> ReaderAsync()
    {
        var id = await TestPrincipals.CreateAccountAsync(hub.Database.ConnectionString, "d" + Guid.NewGuid().ToString("N")[..8], "snnmt-dn", ["reader"]);
        var client = hub.CreateClientWithToken(TestPrincipals.Token($"account:{id}"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/collections")).StatusCode);
        return (id, client);
    }

    [Fact]
    public async Task a_retirement_effective_today_ends_the_persons_rights_on_the_next_request()
    {
        var (id, person) = await ReaderAsync();
        using var admin = hub.CreateClient();
        var recorded = await admin.PostAsJsonAsync($"/api/v1/accounts/{id}/departures", new { kind = "retirement", effectiveOn = Today });
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        Assert.True(JsonDocument.Parse(await recorded.Content.ReadAsStringAsync()).RootElement.GetProperty("applied").GetBoolean());
        var problem = await Problems.AssertProblemAsync(await person.GetAsync("/api/v1/collections"), HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", problem.GetProperty("detail").GetString());
        var account = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/accounts/{id}")).RootElement;
        Assert.Equal("revoked", account.GetProperty("status").GetString());
        person.Dispose();
    }

    [Fact]
    public async Task a_transfer_keeps_rights_until_the_chosen_day_and_never_beyond_five_working_days()
    {
        var (id, person) = await ReaderAsync();
        using var admin = hub.CreateClient();
        var tooLate = await admin.PostAsJsonAsync($"/api/v1/accounts/{id}/departures", new { kind = "transfer", effectiveOn = Today, rightsEndOn = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        var problem = await Problems.AssertProblemAsync(tooLate, HttpStatusCode.BadRequest);
        Assert.Contains("5 working days", problem.GetProperty("detail").GetString());

        // The unit a transfer moves the account to must exist (a missing one would stop every departure's application).
        var nowhere = await Problems.AssertProblemAsync(await admin.PostAsJsonAsync($"/api/v1/accounts/{id}/departures", new { kind = "transfer", effectiveOn = Today, newUnitCode = "no-such-unit" }), HttpStatusCode.BadRequest);
        Assert.StartsWith("There is no unit 'no-such-unit' valid on", nowhere.GetProperty("errors").GetProperty("newUnitCode")[0].GetString(), StringComparison.Ordinal);

        var nextWorkingDay = await hub.Database.ScalarAsync<DateTime>("select ref.add_working_days($1::date, 1)::timestamp", DateTime.Parse(Today, System.Globalization.CultureInfo.InvariantCulture));
        var handover = await admin.PostAsJsonAsync($"/api/v1/accounts/{id}/departures",
            new { kind = "transfer", effectiveOn = Today, rightsEndOn = nextWorkingDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), newUnitCode = "thue-dn", newPosition = "chuyên viên" });
        Assert.Equal(HttpStatusCode.Created, handover.StatusCode);
        Assert.False(JsonDocument.Parse(await handover.Content.ReadAsStringAsync()).RootElement.GetProperty("applied").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await person.GetAsync("/api/v1/collections")).StatusCode);
        person.Dispose();
    }

    [Fact]
    public async Task rights_stop_on_the_end_date_even_before_the_departure_is_applied_and_the_overdue_report_counts_working_days_across_tet()
    {
        var (id, person) = await ReaderAsync();
        // A departure effective on the Thursday before Tết 2026, recorded but never applied.
        await People.ExecuteAsync(hub, """
            insert into access.departures (account_id, kind, effective_on, rights_end_on, recorded_by) values ($1, 'resignation', '2026-02-12', '2026-02-12', 'test')
            """, id);
        var problem = await Problems.AssertProblemAsync(await person.GetAsync("/api/v1/collections"), HttpStatusCode.Forbidden);
        Assert.Contains("data.read", problem.GetProperty("detail").GetString());

        using var admin = hub.CreateClient();
        async Task<List<JsonElement>> OverdueAsync(string asOf) =>
            JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/accounts/overdue-revocations?asOf={asOf}")).RootElement
                .EnumerateArray().Where(e => e.GetProperty("accountId").GetGuid() == id).ToList();
        // Fri 13 Feb is working day 1; 16-20 Feb are Tết holidays; Mon 23 to Thu 26 Feb are days 2 to 5.
        Assert.Empty(await OverdueAsync("2026-02-20"));
        Assert.Empty(await OverdueAsync("2026-02-26"));
        var overdue = Assert.Single(await OverdueAsync("2026-02-27"));
        Assert.Equal("2026-02-26", overdue.GetProperty("deadline").GetString());
        person.Dispose();
    }

    [Fact]
    public async Task accounts_without_a_sign_in_for_the_configured_time_are_listed_as_unused()
    {
        var person = await People.CreateAsync(hub);
        await People.ExecuteAsync(hub, $"select set_config('datahub.writer', 'test', false); update access.accounts set created_at = now() - interval '200 days' where account_id = '{person.Id}'");
        using var admin = hub.CreateClient();
        bool Listed(string json) => JsonDocument.Parse(json).RootElement.EnumerateArray().Any(a => a.GetProperty("accountId").GetGuid() == person.Id);
        Assert.True(Listed(await admin.GetStringAsync("/api/v1/accounts/unused?days=90")));
        await People.SignInOkAsync(hub, person.Username, person.Password);
        Assert.False(Listed(await admin.GetStringAsync("/api/v1/accounts/unused?days=90")));
    }
}
