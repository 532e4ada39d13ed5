using System.Globalization;
using DataHub.Api.Infrastructure.Database;
using DataHub.Tests.Infrastructure;
using DbUp;
using DbUp.ScriptProviders;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DataHub.Tests.Land;

/// <summary>
/// Migration 0090 gives the planning and price zones of a database that already holds some a
/// natural key: deterministic codes, unique, written without new history versions.
/// </summary>
public sealed class ZoneKeysMigrationTests
{
    private const string Square = "ST_GeomFromText('MULTIPOLYGON(((590000 1300000,590100 1300000,590100 1300100,590000 1300000)))', 9212)";
    private const string Line = "ST_GeomFromText('LINESTRING(590000 1300000,590100 1300000)', 9212)";

    [Fact]
    public async Task zones_written_before_0090_get_deterministic_unique_codes_and_no_new_versions()
    {
        await using var db = await TestDatabase.CreateEmptyAsync();
        var before = DeployChanges.To.PostgresqlDatabase(db.ConnectionString)
            .WithScriptsFromFileSystem(Migrator.ScriptsFolder, new FileSystemScriptOptions { Filter = f => string.CompareOrdinal(Path.GetFileName(f), "0090") < 0 })
            .WithTransactionPerScript()
            .JournalToPostgresqlTable("public", Migrator.JournalTable)
            .LogToNowhere()
            .Build()
            .PerformUpgrade();
        Assert.True(before.Successful, before.Error?.Message);

        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        await ExecuteAsWriterAsync(dataSource, $"""
            insert into land.planning_zones (id, plan_code, plan_kind, planned_purpose_code, period_from, period_to, unit_code, geom) values
              (1, 'QH', 'quy-hoach', 'ONT', 2021, 2030, '25100', {Square}),
              (2, 'QH', 'quy-hoach', 'CLN', 2021, 2030, '25103', {Square}),
              (3, 'QH', 'quy-hoach', 'ODT', 2021, 2030, '25100', {Square}),
              (4, 'KH', 'ke-hoach', 'ONT', 2026, 2026, '25100', {Square});
            insert into land.price_zones (id, price_table, land_type_code, road_name, segment_from, segment_to, position, price_per_m2, effective_from, unit_code, geom) values
              (1, 'BG', 'ONT', 'Road A', 'x', 'y', 1, 1000, '2020-01-01', '25100', {Line}),
              (2, 'BG', 'ONT', 'Road A', 'x', 'y', 2, 600, '2020-01-01', '25100', {Line}),
              (3, 'BG', 'ONT', 'Road B', null, null, 1, 900, '2020-01-01', '25100', {Line}),
              (4, 'BG', 'TMD', 'Road A', 'x', 'y', 1, 800, '2020-01-01', '25100', {Line}),
              (5, 'BG', 'ONT', 'Road A', 'x', 'y', 1, 1100, '2020-01-01', '25100', {Line}),
              (6, 'BG', 'ONT', 'Road B', null, null, 2, 500, '2020-01-01', '25100', {Line});
            update land.planning_zones set approved_by = 'QĐ 1' where id = 1;
            """);

        var updatesBefore = int.Parse((await ColumnAsync(dataSource, ZoneUpdates))[0], CultureInfo.InvariantCulture);
        var rest = Migrator.Migrate(db.ConnectionString, NullLogger.Instance, createDatabase: false);
        Assert.True(rest.Successful, rest.Error);
        Assert.Equal("0090_zone_keys.sql", rest.Applied[0]);

        Assert.Equal(["25100-001", "25103-001", "25100-002", "25100-001"], await ColumnAsync(dataSource, "select zone_code from land.planning_zones order by id"));
        // Road A ONT is the first segment, Road B the second, Road A TMD the third; row 5 repeats row 1's key and keeps its id.
        Assert.Equal(["25100-001", "25100-001", "25100-002", "25100-003", "ID5", "25100-002"], await ColumnAsync(dataSource, "select zone_code from land.price_zones order by id"));
        Assert.Equal(["25100-001"], await ColumnAsync(dataSource, "select zone_code from history.land_planning_zones"));
        Assert.Equal(["0"], await ColumnAsync(dataSource, "select count(*)::text from history.land_price_zones"));
        // The change feed carries the new property: one update per zone, written by the backfill.
        Assert.Equal(10, int.Parse((await ColumnAsync(dataSource, ZoneUpdates))[0], CultureInfo.InvariantCulture) - updatesBefore);
    }

    private const string ZoneUpdates = """
            select count(*)::text from catalog.changes
            where op = 'update' and table_name in ('land.planning_zones'::regclass, 'land.price_zones'::regclass)
            """;

    private static async Task ExecuteAsWriterAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var writer = new NpgsqlCommand("select set_config('datahub.writer', 'test', true)", connection, transaction))
        {
            await writer.ExecuteNonQueryAsync();
        }
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    private static async Task<List<string>> ColumnAsync(NpgsqlDataSource dataSource, string sql)
    {
        var values = new List<string>();
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }
}
