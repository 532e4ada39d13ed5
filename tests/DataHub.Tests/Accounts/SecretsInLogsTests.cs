using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using DataHub.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace DataHub.Tests.Accounts;

/// <summary>The hub with every log line of every category kept, at the most verbose level.</summary>
public sealed class VerboseLogHubFixture : HubFixture
{
    public ConcurrentQueue<string> Lines { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Logging:LogLevel:Default", "Trace"),
        new("Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware", "Trace"),
        new("Logging:LogLevel:Microsoft.Hosting.Lifetime", "Trace"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(new LogCapture(Lines)));
    }
}

public sealed class SecretsInLogsTests(VerboseLogHubFixture hub) : IClassFixture<VerboseLogHubFixture>
{
    [Fact]
    public async Task no_password_secret_or_token_reaches_any_log_line_even_at_trace_level()
    {
        var person = await People.CreateAsync(hub, roles: new { role = "reader" });
        await People.SignInAsync(hub, person.Username, "Wrong-Guess-77!");
        var token = await People.ActivateAsync(hub, person);

        using var admin = hub.CreateClient();
        var created = await admin.PostAsJsonAsync("/api/v1/clients", new { clientId = "logs-" + Guid.NewGuid().ToString("N")[..6], name = "L", unitCode = "snnmt-dn", roles = new[] { new { role = "reader" } } });
        var client = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var secret = client.GetProperty("clientSecret").GetString()!;
        using var anonymous = hub.CreateAnonymousClient();
        var issued = await anonymous.PostAsync("/api/v1/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = client.GetProperty("client").GetProperty("clientId").GetString()!, ["client_secret"] = secret,
        }));
        var clientToken = JsonDocument.Parse(await issued.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
        using (var reader = hub.CreateClientWithToken(clientToken))
        {
            await reader.GetAsync("/api/v1/collections?limit=1");
        }
        using (var person1 = hub.CreateClientWithToken(token))
        {
            await person1.GetAsync("/api/v1/auth/me");
        }

        var log = string.Join("\n", hub.Lines);
        Assert.Contains("/api/v1/auth/sign-in", log); // the requests were logged at all
        foreach (var secretValue in new[] { person.Password, People.GoodPassword, "Wrong-Guess-77!", secret, token, clientToken, TestPrincipals.OperatorToken })
        {
            Assert.DoesNotContain(secretValue, log);
        }
    }
}
