using System.Net;
using System.Text;
using System.Text.Json;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Accounts;

/// <summary>
/// A hub whose connection pool holds two connections, so that every request takes a connection
/// another request has just given back. Npgsql keeps one reader per connection and hands it to the
/// connection's next command: code that disposes a reader a second time, after its connection went
/// back to the pool, ends whatever command another request is running on that connection.
/// </summary>
public sealed class SmallPoolHubFixture : HubFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("DATAHUB_DB", Database.ConnectionString + ";Maximum Pool Size=2")];
}

public sealed class TokenConcurrencyTests(SmallPoolHubFixture hub) : IClassFixture<SmallPoolHubFixture>
{
    [Fact]
    public async Task tokens_issued_while_other_requests_share_the_connections_all_succeed_and_leave_the_connections_sound()
    {
        using var admin = hub.CreateClient();
        var clientId = "pool-" + Guid.NewGuid().ToString("N")[..8];
        var created = await admin.PostAsync("/api/v1/clients", new StringContent(
            JsonSerializer.Serialize(new { clientId, name = "IOC", unitCode = "ioc-dn", roles = new[] { new { role = "reader" } } }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("clientSecret").GetString()!;

        using var anonymous = hub.CreateAnonymousClient();
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret };
        // Bounded: 30 rounds of one token request beside one catalogue read and one audit read, within a
        // minute (a corrupted connection can leave a request waiting for an answer that never comes).
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = deadline.Token;
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).SelectMany(_ => new[]
        {
            Answer(anonymous.PostAsync("/api/v1/auth/token", new FormUrlEncodedContent(form), ct)),
            Answer(admin.GetAsync("/api/v1/collections", ct)),
            Answer(admin.GetAsync("/api/v1/audit?limit=50", ct)),
        }));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, $"{a.Status}: {a.Body}"));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/collections")).StatusCode);
    }

    private static async Task<(HttpStatusCode Status, string Body)> Answer(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
