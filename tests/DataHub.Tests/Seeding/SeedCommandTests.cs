using DataHub.Api.Infrastructure.Cli;
using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Seeding;

[Collection(ConsoleVerbs.Name)]
public sealed class SeedCommandTests
{
    private static Task<int> RunAsync(TestDatabase db, params string[] args) =>
        HubCommandLine.Create(Program.BuildHub)
            .Parse([.. args, $"--DATAHUB_DB={db.ConnectionString}", "--Logging:LogLevel:Default=Warning"])
            .InvokeAsync(HubCommandLine.Invocation);

    private static async Task<long> ParcelsAsync(TestDatabase db)
    {
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        await using var command = dataSource.CreateCommand("select count(*) from land.parcels");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task seed_verb_loads_then_if_empty_skips_and_a_plain_second_seed_is_refused()
    {
        await using var db = await TestDatabase.CreateAsync("seedverb");
        Assert.Equal(0, await RunAsync(db, "seed", "--parcels", "120", "--seed", "3"));
        Assert.Equal(120L, await ParcelsAsync(db));

        Assert.Equal(0, await RunAsync(db, "seed", "--parcels", "500", "--if-empty"));
        Assert.Equal(120L, await ParcelsAsync(db));

        Assert.Equal(1, await RunAsync(db, "seed", "--parcels", "500"));
        Assert.Equal(120L, await ParcelsAsync(db));

        Assert.Equal(0, await RunAsync(db, "seed", "--parcels", "200", "--replace"));
        Assert.Equal(200L, await ParcelsAsync(db));
    }
}
