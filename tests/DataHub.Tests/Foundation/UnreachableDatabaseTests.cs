using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace DataHub.Tests.Foundation;

public sealed class UnreachableDatabaseTests
{
    [Fact]
    public async Task ready_answers_503_while_live_stays_200_when_the_database_is_down()
    {
        // A port nothing listens on: the hub starts, but cannot reach PostgreSQL.
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DATAHUB_DB"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=x;Database=none;Timeout=2",
                ["Logging:LogLevel:Default"] = "None",
            })));
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }
}
