using DataHub.Api.Collections;
using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Collections;

/// <summary>
/// The change feed's two readers over a feed grown large and uneven, as after large submissions:
/// catalog.dataset_version (behind every items page's ETag and remembered count) and the feed's
/// page query read each table's own range of the changes indexes, however far back it lies,
/// instead of walking the whole feed. The plans are read through auto_explain.
/// </summary>
public sealed class ChangeFeedIndexTests : IAsyncLifetime
{
    private static readonly string[] Tables = ["land.parcels", "land.land_uses"];
    private TestDatabase database = null!;
    private readonly List<string> plans = [];

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("feedindex");
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        // A third of the feed is land uses, all older than the parcels' changes recorded since
        // (a submission's new parcels are recorded without their land uses).
        await ExecuteAsync(connection, """
            insert into catalog.changes (table_name, row_key, op) select 'land.land_uses', g::text, 'insert' from generate_series(1, 50000) g;
            insert into catalog.changes (table_name, row_key, op) select 'land.parcels', g::text, 'insert' from generate_series(1, 100000) g;
            analyze catalog.changes;
            """);
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    /// <summary>A connection whose statements' plans arrive as notices in <see cref="plans"/>.</summary>
    private async Task<NpgsqlConnection> ExplainingAsync()
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await AutoExplain.CollectPlansAsync(connection, plans, analyze: true);
        return connection;
    }

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

    /// <summary>The plan of the one statement run since the last call whose text reads catalog.changes.</summary>
    private string PlanReadingChanges()
    {
        var plan = Assert.Single(plans, p => p.Contains("from catalog.changes", StringComparison.Ordinal));
        plans.Clear();
        return plan;
    }

    [Fact]
    public async Task the_dataset_version_finds_a_table_s_latest_change_far_behind_the_others_through_its_own_index_range()
    {
        await using var connection = await ExplainingAsync();
        plans.Clear();
        var uses = await ScalarAsync<string>(connection, "select version from catalog.dataset_version(array['land.land_uses']::regclass[])");
        var plan = PlanReadingChanges();
        Assert.Contains("using changes_latest on changes", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Rows Removed by Filter", plan, StringComparison.Ordinal);

        var lastUse = await ScalarAsync<long>(connection, "select max(id) from catalog.changes where table_name = 'land.land_uses'::regclass");
        var last = await ScalarAsync<long>(connection, "select max(id) from catalog.changes");
        Assert.StartsWith($"{lastUse}-", uses, StringComparison.Ordinal);
        Assert.StartsWith($"{last}-", await ScalarAsync<string>(connection, "select version from catalog.dataset_version(array['land.land_uses', 'land.parcels']::regclass[])"), StringComparison.Ordinal);
        // A table without changes adds nothing, even when another table's changes come just before it in the index.
        Assert.StartsWith("0-", await ScalarAsync<string>(connection, "select version from catalog.dataset_version(array['land.price_zones']::regclass[])"), StringComparison.Ordinal);
        Assert.Equal(DateTime.UnixEpoch, (await ScalarAsync<DateTime>(connection, "select changed_at from catalog.dataset_version(array['land.price_zones']::regclass[])")).ToUniversalTime());
    }

    [Fact]
    public async Task a_change_feed_page_reads_each_table_s_range_of_the_position_index_and_gives_the_changes_in_feed_order()
    {
        await using var connection = await ExplainingAsync();
        async Task<List<long>> PageAsync(string txid, long after, int limit)
        {
            await using var command = new NpgsqlCommand(ChangeFeedSql.Page, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = Tables });
            command.Parameters.Add(new NpgsqlParameter { Value = txid });
            command.Parameters.Add(new NpgsqlParameter { Value = after });
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            var ids = new List<long>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetInt64(0));
            }
            return ids;
        }
        async Task<List<long>> ExpectedAsync(string txid, long after, int limit)
        {
            await using var command = new NpgsqlCommand("""
                select id from catalog.changes where table_name in ('land.parcels'::regclass, 'land.land_uses'::regclass)
                  and (txid, id) > ($1::text::xid8, $2) and txid < pg_snapshot_xmin(pg_current_snapshot())
                order by txid, id limit $3
                """, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = txid });
            command.Parameters.Add(new NpgsqlParameter { Value = after });
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            var ids = new List<long>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetInt64(0));
            }
            return ids;
        }

        // The feed stops at the oldest transaction still open, in any database of the cluster: a
        // test class beside this one holding a transaction hid every change here (an empty page).
        for (var waited = 0; !await ScalarAsync<bool>(connection, "select pg_snapshot_xmin(pg_current_snapshot()) > (select max(txid) from catalog.changes)"); waited++)
        {
            Assert.True(waited < 600, "a transaction elsewhere in the cluster stayed open for a minute");
            await Task.Delay(100);
        }
        plans.Clear();
        var first = await PageAsync("0", 0, 1000);
        Assert.NotEmpty(first);
        var plan = PlanReadingChanges();
        Assert.Contains("using changes_by_position on changes", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on changes", plan, StringComparison.Ordinal);
        Assert.Equal(await ExpectedAsync("0", 0, 1000), first);

        // From a cursor where the land uses end and the parcels begin.
        var lastUse = await ScalarAsync<long>(connection, "select max(id) from catalog.changes where table_name = 'land.land_uses'::regclass");
        var txid = await ScalarAsync<string>(connection, $"select txid::text from catalog.changes where id = {lastUse}");
        var middle = await PageAsync(txid, lastUse - 10, 50);
        Assert.Equal(await ExpectedAsync(txid, lastUse - 10, 50), middle);
        Assert.Equal(50, middle.Count);
    }
}
