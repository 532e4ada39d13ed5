using System.Net;
using System.Net.Http.Json;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Foundation;

/// <summary>
/// Dates outside 1900-2199, and a required date left out (read as 0001-01-01), are a 400 naming
/// the field. Npgsql stores 0001-01-01 and 9999-12-31 as -infinity and infinity: working days
/// counted from them never ended (a 500 after the command timeout).
/// </summary>
public sealed class DateRangeTests(HubFixture hub) : IClassFixture<HubFixture>
{
    private static readonly string[] OldCodes = ["vpdk-dn"];
    private const string Missing = "The date is missing (or 0001-01-01): give one from 1900-01-01 to 2199-12-31, as yyyy-mm-dd.";
    private const string Outside = "is outside the years the hub takes (1900-01-01 to 2199-12-31).";

    [Fact]
    public async Task a_departure_on_an_endless_date_or_without_one_is_a_400_at_the_field_and_nothing_is_recorded()
    {
        var id = await TestPrincipals.CreateAccountAsync(hub.Database.ConnectionString, "d" + Guid.NewGuid().ToString("N")[..8], "snnmt-dn", ["reader"]);
        using var admin = hub.CreateClient();

        var endless = await Problems.AssertProblemAsync(
            await admin.PostAsJsonAsync($"/api/v1/accounts/{id}/departures", new { kind = "transfer", effectiveOn = "9999-12-31" }), HttpStatusCode.BadRequest);
        Assert.Equal($"The date 9999-12-31 {Outside}", endless.GetProperty("errors").GetProperty("effectiveOn")[0].GetString());

        var missing = await Problems.AssertProblemAsync(
            await admin.PostAsJsonAsync($"/api/v1/accounts/{id}/departures", new { kind = "transfer" }), HttpStatusCode.BadRequest);
        Assert.Equal(Missing, missing.GetProperty("errors").GetProperty("effectiveOn")[0].GetString());

        Assert.Equal(0L, await hub.Database.ScalarAsync<long>("select count(*) from access.departures where account_id = $1", id));
    }

    [Fact]
    public async Task a_unit_succession_without_its_date_is_a_400_at_the_field()
    {
        using var admin = hub.CreateClient();
        var problem = await Problems.AssertProblemAsync(
            await admin.PostAsJsonAsync("/api/v1/units/successions", new { oldCodes = OldCodes, newCode = "snnmt-dn" }), HttpStatusCode.BadRequest);
        Assert.Equal(Missing, problem.GetProperty("errors").GetProperty("effectiveOn")[0].GetString());
    }

    [Fact]
    public async Task a_date_in_the_query_outside_the_range_is_a_400_naming_the_parameter()
    {
        using var admin = hub.CreateClient();
        var problem = await Problems.AssertProblemAsync(await admin.GetAsync("/api/v1/units?date=1899-12-31"), HttpStatusCode.BadRequest);
        Assert.Equal($"The date 1899-12-31 {Outside}", problem.GetProperty("errors").GetProperty("date")[0].GetString());
    }
}
