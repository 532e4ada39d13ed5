using System.Net.Http.Json;
using System.Text.Json;
using DataHub.Api.Infrastructure.Database;
using DataHub.Api.Seeding;
using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Deliveries;

/// <summary>
/// A database of sample parcels with the parcels routes enabled, hub processes draining it to a
/// partner receiver on 127.0.0.1, and the checks every delivery test makes: every message
/// delivered, each applied once, in order per record.
/// </summary>
public sealed class OutboxRig : IAsyncDisposable
{
    private readonly List<LocalProcess> hubs = [];

    public TestDatabase Database { get; }
    public NpgsqlDataSource DataSource { get; }
    public int ReceiverPort { get; } = LocalProcess.FreePort();

    private OutboxRig(TestDatabase database)
    {
        Database = database;
        DataSource = DatabaseSetup.CreateDataSource(database.ConnectionString);
    }

    /// <summary>A migrated database with sample parcels loaded before any route was on (so no messages yet).</summary>
    public static async Task<OutboxRig> CreateAsync(string name, int parcels, params string[] targets)
    {
        var rig = new OutboxRig(await TestDatabase.CreateAsync(name));
        await TestPrincipals.CreateOperatorAsync(rig.Database.ConnectionString);
        await new Seeder(rig.DataSource).SeedAsync(new Seeder.Options(parcels, Seed: 7, Replace: false), null, CancellationToken.None);
        await rig.ExecuteAsync($"update outbox.routes set enabled = true where dataset_id = 'parcels' and target = any('{{{string.Join(',', targets)}}}')");
        return rig;
    }

    public Task<Receiver> StartReceiverAsync(params string[] settings) => Receiver.StartAsync(ReceiverPort, settings);

    /// <summary>A hub process on this database, sending to the receiver, with short waits so tests stay short.</summary>
    public async Task<LocalProcess> StartHubAsync(params (string Name, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["DATAHUB_DB"] = Database.ConnectionString,
            ["Auth__SigningKey"] = TestPrincipals.SigningKey,
            ["DATAHUB_LOG_FORMAT"] = "simple",
            ["Partners__Ministry__BaseUrl"] = $"http://127.0.0.1:{ReceiverPort}/ministry",
            ["Partners__Ioc__BaseUrl"] = $"http://127.0.0.1:{ReceiverPort}/ioc",
            ["Deliveries__PollMilliseconds"] = "100",
            ["Deliveries__BackoffSeconds"] = "0.2",
            ["Deliveries__MaxBackoffSeconds"] = "1",
            ["Deliveries__MaxAwaySeconds"] = "1",
            ["Deliveries__LeaseSeconds"] = "20",
            ["Deliveries__BatchSize"] = "50",
            ["Partners__Ministry__Resilience__RetryDelaySeconds"] = "0.05",
            ["Partners__Ministry__Resilience__BreakSeconds"] = "0.5",
            ["Partners__Ministry__Resilience__AttemptTimeoutSeconds"] = "5",
            ["Partners__Ministry__Resilience__TotalTimeoutSeconds"] = "15",
            ["Partners__Ioc__Resilience__RetryDelaySeconds"] = "0.05",
            ["Partners__Ioc__Resilience__BreakSeconds"] = "0.5",
            ["Partners__Ioc__Resilience__AttemptTimeoutSeconds"] = "5",
            ["Partners__Ioc__Resilience__TotalTimeoutSeconds"] = "15",
        };
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }
        var hub = await LocalProcess.StartAsync("DataHub.Api.dll", LocalProcess.FreePort(), "/health/ready", environment, "serve");
        hubs.Add(hub);
        return hub;
    }

    /// <summary>
    /// Changes the first `parcels` parcels `rounds` times, each round its own transaction (one
    /// message per parcel and round), and retires the last of them at the end.
    /// </summary>
    public async Task ChangeParcelsAsync(int parcels, int rounds)
    {
        for (var round = 1; round <= rounds; round++)
        {
            await ExecuteAsync($"""
                select set_config('datahub.writer', 'test:outbox', true);
                update land.parcels set address = 'round {round}' where id in (select id from land.parcels order by id limit {parcels});
                """, transaction: true);
        }
        await ExecuteAsync($"""
            select set_config('datahub.writer', 'test:outbox', true);
            delete from land.parcels where id = (select id from land.parcels order by id limit 1 offset {parcels - 1});
            """, transaction: true);
    }

    public async Task ExecuteAsync(string sql, bool transaction = false)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var tx = transaction ? await connection.BeginTransactionAsync() : null;
        await using (var command = new NpgsqlCommand(sql, connection, tx))
        {
            await command.ExecuteNonQueryAsync();
        }
        if (tx is not null)
        {
            await tx.CommitAsync();
        }
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Every message of the target: (key, record, id), in id order.</summary>
    public async Task<List<(string Key, string Entity, long Id, string Status)>> MessagesAsync(string target)
    {
        var list = new List<(string, string, long, string)>();
        await using var command = DataSource.CreateCommand($"select key::text, entity_key, id, status from outbox.messages where target = '{target}' order by id");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)));
        }
        return list;
    }

    /// <summary>Waits (bounded) until no message of the target is pending; the hub's /api/v1/deliveries says so.</summary>
    public static async Task WaitDrainedAsync(LocalProcess hub, string target, int seconds = 120)
    {
        JsonElement summary = default;
        for (var i = 0; i < seconds * 4; i++)
        {
            summary = (await hub.Client.GetFromJsonAsync<JsonElement>("/api/v1/deliveries")).GetProperty("targets")
                .EnumerateArray().Single(t => t.GetProperty("target").GetString() == target);
            if (summary.GetProperty("pending").GetInt64() == 0)
            {
                return;
            }
            await Task.Delay(250);
        }
        throw new Xunit.Sdk.XunitException($"{target} still has pending messages after {seconds} s: {summary}\n{hub.Output}");
    }

    /// <summary>
    /// Every message of the target is delivered, the receiver applied each exactly once, nothing
    /// else, and the messages of each record in the order the hub recorded them.
    /// </summary>
    public async Task AssertDeliveredOnceInOrderAsync(Receiver receiver, string target, int expected)
    {
        var messages = await MessagesAsync(target);
        Assert.Equal(expected, messages.Count);
        Assert.All(messages, m => Assert.Equal("delivered", m.Status));
        var applied = (await receiver.ReceivedAsync()).Applied.Where(a => a.Target == target).ToList();
        var appliedIds = applied.Select(a => target == "ioc" ? a.MessageId[(a.MessageId.IndexOf(' ', StringComparison.Ordinal) + 1)..] : a.MessageId).ToList();
        Assert.Equal(appliedIds.Count, appliedIds.Distinct().Count());
        Assert.Equal(messages.Select(m => m.Key).Order(StringComparer.Ordinal), appliedIds.Order(StringComparer.Ordinal));
        foreach (var record in applied.GroupBy(a => a.Key))
        {
            var sequences = record.Select(a => a.Sequence).ToList();
            Assert.True(sequences.SequenceEqual(sequences.Order()), $"record {record.Key} applied out of order: {string.Join(", ", sequences)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hub in hubs)
        {
            await hub.DisposeAsync();
        }
        await DataSource.DisposeAsync();
        await Database.DisposeAsync();
    }
}
