using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Collections;

/// <summary>
/// catalog.dataset_version, behind every items page's ETag and remembered count: the latest change
/// of each of a dataset's tables, found through that table's range of the changes index however
/// far back it lies.
/// </summary>
public sealed class DatasetVersionTests : IAsyncLifetime
{
    private TestDatabase database = null!;

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync("version");

    public async Task DisposeAsync() => await database.DisposeAsync();

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task the_latest_change_of_a_table_far_behind_the_others_is_found_through_its_own_index_range()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        // As after large submissions: a third of the feed is land uses, all of them older than
        // the parcels' changes recorded since (a new parcel's land uses are not recorded again).
        await ExecuteAsync(connection, """
            insert into catalog.changes (table_name, row_key, op) select 'land.land_uses', g::text, 'insert' from generate_series(1, 50000) g;
            insert into catalog.changes (table_name, row_key, op) select 'land.parcels', g::text, 'insert' from generate_series(1, 100000) g;
            analyze catalog.changes;
            """);
        var lastUse = await ScalarAsync<long>(connection, "select max(id) from catalog.changes where table_name = 'land.land_uses'::regclass");
        var last = await ScalarAsync<long>(connection, "select max(id) from catalog.changes");

        // The plan of the function's own statement, as auto_explain reports it.
        var plans = new List<string>();
        connection.Notice += (_, e) => plans.Add(e.Notice.MessageText);
        await ExecuteAsync(connection, """
            load 'auto_explain';
            set auto_explain.log_min_duration = 0;
            set auto_explain.log_nested_statements = on;
            set auto_explain.log_analyze = on;
            set auto_explain.log_level = notice;
            """);
        var uses = await ScalarAsync<string>(connection, "select version from catalog.dataset_version(array['land.land_uses']::regclass[])");
        var inner = Assert.Single(plans, p => p.Contains("catalog.changes", StringComparison.Ordinal) && !p.Contains("Function Scan on dataset_version", StringComparison.Ordinal));
        Assert.Contains("using changes_latest on changes", inner, StringComparison.Ordinal);
        Assert.DoesNotContain("Rows Removed by Filter", inner, StringComparison.Ordinal);

        Assert.StartsWith($"{lastUse}-", uses, StringComparison.Ordinal);
        Assert.StartsWith($"{last}-", await ScalarAsync<string>(connection, "select version from catalog.dataset_version(array['land.land_uses', 'land.parcels']::regclass[])"), StringComparison.Ordinal);
        // A table without changes adds nothing, even when another table's changes come just before it in the index.
        Assert.StartsWith("0-", await ScalarAsync<string>(connection, "select version from catalog.dataset_version(array['land.price_zones']::regclass[])"), StringComparison.Ordinal);
        Assert.Equal(DateTime.UnixEpoch, (await ScalarAsync<DateTime>(connection, "select changed_at from catalog.dataset_version(array['land.price_zones']::regclass[])")).ToUniversalTime());
    }
}
