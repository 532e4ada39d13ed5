using System.Net;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Accounts;

public sealed class RateLimitedHubFixture : HubFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Auth:RateLimitAnonymous", "5"), new("Auth:RateLimitPerPrincipal", "8"), new("Auth:RateLimitWindowSeconds", "60")];
}

public sealed class RateLimitTests(RateLimitedHubFixture hub) : IClassFixture<RateLimitedHubFixture>
{
    [Fact]
    public async Task a_caller_over_its_limit_gets_429_with_retry_after_while_another_caller_is_still_served()
    {
        using var anonymous = hub.CreateAnonymousClient();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/v1")).StatusCode);
        }
        var limited = await anonymous.GetAsync("/api/v1");
        var problem = await Problems.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.Contains("5 requests per 60 s", problem.GetProperty("detail").GetString());
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);

        // A signed-in principal has its own window, not the address's.
        var id = await TestPrincipals.CreateAccountAsync(hub.Database.ConnectionString, "rl-" + Guid.NewGuid().ToString("N")[..6], "snnmt-dn", ["reader"]);
        using var reader = hub.CreateClientWithToken(TestPrincipals.Token($"account:{id}"));
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/v1/collections")).StatusCode);
        }
        await Problems.AssertProblemAsync(await reader.GetAsync("/api/v1/collections"), HttpStatusCode.TooManyRequests);
    }
}
