using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace DataHub.Tests.Infrastructure;

/// <summary>
/// The hub on a real Kestrel server bound to 127.0.0.1 (a free port), over its own database.
/// Use as IClassFixture: one hub and one database per test class.
/// </summary>
public class HubFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(GetType().Name.ToLowerInvariant());
        if (WithOperator)
        {
            await TestPrincipals.CreateOperatorAsync(Database.ConnectionString);
        }
        await PrepareDatabaseAsync();
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        OperatorToken = TestPrincipals.OperatorToken;
    }

    /// <summary>A token of the test operator (every role, steward and reviewer of every dataset): what CreateClient() sends.</summary>
    public string OperatorToken { get; private set; } = "";

    /// <summary>A client that sends no token.</summary>
    public HttpClient CreateAnonymousClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    /// <summary>A client that sends the given bearer token.</summary>
    public HttpClient CreateClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        if (OperatorToken.Length > 0)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OperatorToken);
        }
    }

    /// <summary>Whether the test database gets the test operator (an administrator) before the hub starts.</summary>
    protected virtual bool WithOperator => true;

    /// <summary>Runs before the hub starts: load what the tests of the class need.</summary>
    protected virtual Task PrepareDatabaseAsync() => Task.CompletedTask;

    /// <summary>Extra configuration for the hub of a test class (partner URLs, backup targets, ...).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DATAHUB_DB"] = Database.ConnectionString,
            ["DATAHUB_LOG_FORMAT"] = "simple",
            ["Logging:LogLevel:Default"] = "Warning",
            // appsettings.json names these two explicitly, so the default above does not reach them.
            ["Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            ["Auth:SigningKey"] = TestPrincipals.SigningKey,
            ["Auth:RateLimitPerPrincipal"] = "1000000",
            // Submissions are staged and merged in chunks this small, so that the tests' batches of
            // a few records take the path of a large one (several chunks, each merged while the next
            // is staged).
            ["Submissions:ChunkRecords"] = "3",
            // The warm-up at start (made-up parcels through the short way's checks) only makes the
            // first large submission quicker; DirectWriteTests turns it on and checks it.
            ["Submissions:WarmUpRecords"] = "0",
            // Most classes schedule nothing; those that test jobs turn the scheduler on in Settings().
            ["Scheduling:Enabled"] = "false",
        }).AddInMemoryCollection(Settings()));
    }

    /// <summary>Runs before the hub and its database go away.</summary>
    protected virtual Task CleanupAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await CleanupAsync();
        await base.DisposeAsync();
        await Database.DisposeAsync();
    }
}
