using System.Net;
using System.Text.Json;
using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Collections;

public sealed class ChangeFeedTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();
    private const string Feed = "/api/v1/collections/parcels/changes";

    private async Task<(List<JsonElement> Changes, string Next, bool More)> ReadAsync(string? since, int limit = 1000)
    {
        var url = since is null ? $"{Feed}?limit={limit}" : $"{Feed}?since={since}&limit={limit}";
        var answer = await Ogc.GetJsonAsync(client, url);
        return ([.. answer.GetProperty("changes").EnumerateArray()], answer.GetProperty("next").GetString()!, answer.GetProperty("more").GetBoolean());
    }

    /// <summary>
    /// Reads from a cursor until the wanted ids have arrived. Writers in other databases of the
    /// same cluster (parallel test classes seeding) hold the feed's horizon back until they
    /// commit, exactly as a long submission would; so wait, boundedly, instead of reading once.
    /// </summary>
    private async Task<(List<JsonElement> Changes, string Next)> ReadUntilAsync(string since, params long[] wanted)
    {
        var collected = new List<JsonElement>();
        var cursor = since;
        for (var attempt = 0; attempt < 120; attempt++)
        {
            var (changes, next, _) = await ReadAsync(cursor);
            collected.AddRange(changes);
            cursor = next;
            if (wanted.All(id => collected.Any(c => c.GetProperty("id").GetInt64() == id)))
            {
                return (collected, cursor);
            }
            await Task.Delay(250);
        }
        throw new Xunit.Sdk.XunitException($"ids {string.Join(", ", wanted)} did not appear in the feed within 30 s");
    }

    private async Task<NpgsqlTransaction> BeginAsWriterAsync(NpgsqlConnection connection)
    {
        var transaction = await connection.BeginTransactionAsync();
        await using var writer = new NpgsqlCommand("select set_config('datahub.writer', 'test', true)", connection, transaction);
        await writer.ExecuteNonQueryAsync();
        return transaction;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task from_the_beginning_the_feed_pages_through_every_seeded_parcel_in_increasing_positions()
    {
        var seen = new HashSet<long>();
        var positions = new List<long>();
        string? cursor = null;
        for (var guard = 0; guard < 50; guard++)
        {
            var (changes, next, more) = await ReadAsync(cursor, limit: 250);
            seen.UnionWith(changes.Select(c => c.GetProperty("id").GetInt64()));
            positions.AddRange(changes.Select(c => c.GetProperty("change").GetInt64()));
            cursor = next;
            if (!more)
            {
                break;
            }
        }
        // Each change is delivered once, in order: positions strictly increase across pages.
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(positions.Count, positions.Distinct().Count());
        Assert.Superset(Enumerable.Range(1, (int)SeededHubFixture.Parcels).Select(i => (long)i).ToHashSet(), seen);
    }

    [Fact]
    public async Task a_transaction_that_commits_late_is_not_skipped_and_nothing_is_repeated()
    {
        var (_, start, _) = await ReadAsync("latest");

        await using var slowConnection = await hub.DataSource.OpenConnectionAsync();
        await using var slow = await BeginAsWriterAsync(slowConnection);
        await ExecuteAsync(slowConnection, slow, "update land.parcels set address = 'Ấp Chậm' where id = 11");

        // A later transaction commits first.
        await hub.ExecuteAsWriterAsync("update land.parcels set address = 'Ấp Nhanh' where id = 12");
        var (whileRunning, cursor, _) = await ReadAsync(start);
        // The feed holds back everything from the still-running transaction onwards, so its
        // cursor cannot move past the slow change.
        Assert.DoesNotContain(whileRunning, c => c.GetProperty("id").GetInt64() == 11);

        await slow.CommitAsync();
        var (afterCommit, end) = await ReadUntilAsync(cursor, whileRunning.Any(c => c.GetProperty("id").GetInt64() == 12) ? [11] : [11, 12]);
        var all = whileRunning.Concat(afterCommit).Select(c => c.GetProperty("id").GetInt64()).ToList();
        Assert.Contains(11L, all);
        Assert.Contains(12L, all);
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal("Ấp Chậm", afterCommit.Concat(whileRunning).First(c => c.GetProperty("id").GetInt64() == 11)
            .GetProperty("feature").GetProperty("properties").GetProperty("address").GetString());

        var (again, _, _) = await ReadAsync(end);
        Assert.Empty(again);
    }

    [Fact]
    public async Task inserts_updates_of_land_use_and_deletes_appear_with_the_current_feature()
    {
        var (_, start, _) = await ReadAsync("latest");
        await hub.ExecuteAsWriterAsync("""
            insert into land.parcels (id, commune_code, map_sheet, parcel_no, area_m2, registered_on, geom)
            values (900001, '25100', 900, 1, 100, date '2026-01-05', ST_Multi(ST_MakeEnvelope(590000, 1300000, 590010, 1300010, 9212)))
            """);
        await hub.ExecuteAsWriterAsync("update land.land_uses set purpose_code = 'HNK' where parcel_id = 20 and is_main");
        await hub.ExecuteAsWriterAsync("delete from land.parcels where id = 30");

        var (changes, _) = await ReadUntilAsync(start, 900001, 20, 30);
        // Applied in order, the last entry of each feature wins (as a syncing client would do it).
        var byId = changes.GroupBy(c => c.GetProperty("id").GetInt64()).ToDictionary(g => g.Key, g => g.Last());
        Assert.Equal("insert", byId[900001].GetProperty("op").GetString());
        Assert.Equal("update", byId[20].GetProperty("op").GetString());
        Assert.Equal("HNK", byId[20].GetProperty("feature").GetProperty("properties").GetProperty("main_purpose_code").GetString());
        Assert.Equal("delete", byId[30].GetProperty("op").GetString());
        Assert.Equal(JsonValueKind.Null, byId[30].GetProperty("feature").ValueKind);
    }

    [Fact]
    public async Task a_cursor_the_hub_did_not_give_is_a_400_problem()
    {
        var problem = await Problems.AssertProblemAsync(await client.GetAsync($"{Feed}?since=not-a-cursor"), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("since", out _));
        await Problems.AssertProblemAsync(await client.GetAsync($"{Feed}?limit=0"), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await client.GetAsync("/api/v1/collections/nothing/changes"), HttpStatusCode.NotFound);
    }
}
