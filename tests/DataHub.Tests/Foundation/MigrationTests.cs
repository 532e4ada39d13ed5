using DataHub.Api.Infrastructure.Database;
using DataHub.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DataHub.Tests.Foundation;

public sealed class MigrationTests
{
    [Fact]
    public async Task migrating_twice_applies_every_script_once_and_then_nothing()
    {
        await using var db = await TestDatabase.CreateEmptyAsync();
        var scripts = Directory.GetFiles(Migrator.ScriptsFolder, "*.sql").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();

        var first = Migrator.Migrate(db.ConnectionString, NullLogger.Instance);
        var second = Migrator.Migrate(db.ConnectionString, NullLogger.Instance);

        Assert.True(first.Successful, first.Error);
        Assert.Equal(scripts, first.Applied);
        Assert.True(second.Successful, second.Error);
        Assert.Empty(second.Applied);
        Assert.Empty(Migrator.Pending(db.ConnectionString));
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        Assert.Equal(scripts, await Migrator.AppliedAsync(dataSource, CancellationToken.None));
    }

    [Fact]
    public async Task a_fresh_database_reports_every_script_as_pending()
    {
        await using var db = await TestDatabase.CreateEmptyAsync();
        var pending = Migrator.Pending(db.ConnectionString);
        Assert.Equal(Directory.GetFiles(Migrator.ScriptsFolder, "*.sql").Length, pending.Count);
    }

    [Fact]
    public async Task migrations_install_postgis()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        var version = (string?)await dataSource.CreateCommand("select postgis_lib_version()").ExecuteScalarAsync();
        Assert.StartsWith("3.", version);
    }

    [Fact]
    public void migration_files_are_numbered_uniquely_and_in_order()
    {
        var names = Directory.GetFiles(Path.Combine(RepoPaths.Root, "schemas", "sql"), "*.sql").Select(Path.GetFileName).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Matches(@"^\d{4}_[a-z0-9_]+\.sql$", n));
        var numbers = names.Select(n => n![..4]).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
    }
}
