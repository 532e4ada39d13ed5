using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataHub.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace DataHub.Tests.Submissions;

/// <summary>The seeded hub, with the submission service's log lines kept (which way each submission went).</summary>
public class SubmissionLogHubFixture : SeededHubFixture
{
    public ConcurrentQueue<string> Lines { get; } = new();

    // The staged way in chunks of a thousand: the tests' batches of thousands would otherwise make
    // a thousand partitions (HubFixture's chunks are three records).
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Submissions:ChunkRecords", "1000"), new("Logging:LogLevel:DataHub.Api.Submissions", "Information"), new("Submissions:WarmUpRecords", "500")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(new LogCapture(Lines)));
    }

    public bool Said(Uri status, string words)
    {
        var id = status.Segments[^1];
        return Lines.Any(line => line.Contains(id, StringComparison.Ordinal) && line.Contains(words, StringComparison.Ordinal));
    }
}

/// <summary>
/// Stored parcels submissions that are all new, in VN-2000 and valid are copied straight into the
/// land tables (ParcelDirectWrite); any other goes the staged way after the direct copy is undone,
/// and is answered exactly as a submission that went the staged way from the start.
/// </summary>
public sealed class DirectWriteTests(SubmissionLogHubFixture hub) : IClassFixture<SubmissionLogHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();
    private const string Url = "/api/v1/datasets/parcels/submissions";
    private const string Direct = "copied into the land tables";
    private const string Staged = "goes the staged way";

    // More than two of the direct path's chunks (2,000 parcels), so that a fault in the last
    // record is found after some parcels were already copied.
    private const int Records = 4_500;

    private static JsonObject[] Batch(int sheet, Action<JsonObject>? last = null)
    {
        var features = Enumerable.Range(0, Records).Select(n => Parcels.GridFeature(n, sheet)).ToArray();
        last?.Invoke(features[^1]);
        return features;
    }

    private Task<(Uri Status, JsonElement End)> SubmitAsync(string body) => SubmitRequests.StoredAsync(client, Url, body);

    private Task<long> ParcelsOnSheetAsync(int sheet) =>
        hub.ScalarAsync<long>("select count(*) from land.parcels where commune_code = $1 and map_sheet = $2", Parcels.Commune, sheet);

    [Fact]
    public async Task an_all_new_batch_in_vn2000_is_copied_straight_into_the_land_tables_with_its_writer_history_and_change_feed()
    {
        var changesBefore = await hub.ScalarAsync<long>("select count(*) from catalog.changes");
        var (status, end) = await SubmitAsync(Parcels.Collection(Batch(930)));

        Assert.Equal("applied", end.GetProperty("status").GetString());
        Assert.Equal(Records, end.GetProperty("inserted").GetInt32());
        Assert.Equal(0, end.GetProperty("updated").GetInt32());
        Assert.True(hub.Said(status, Direct), string.Join('\n', hub.Lines));
        var writer = $"submission:{end.GetProperty("id").GetString()}";
        Assert.Equal((long)Records, await hub.ScalarAsync<long>(
            "select count(*) from land.parcels where map_sheet = 930 and written_by = $1 and ST_SRID(geom) = 9212", writer));
        Assert.Equal((long)Records, await hub.ScalarAsync<long>("""
            select count(*) from land.land_uses u join land.parcels p on p.id = u.parcel_id
            where p.map_sheet = 930 and u.written_by = $1 and u.purpose_code = 'ONT' and u.area_m2 = 500
            """, writer));
        // Each new parcel once in the change feed; its land uses are not recorded again.
        Assert.Equal((long)Records, await hub.ScalarAsync<long>("select count(*) from catalog.changes") - changesBefore);
        Assert.Equal((long)Records, await hub.ScalarAsync<long>("""
            select count(*) from catalog.changes c join land.parcels p on c.row_key = p.id::text
            where c.table_name = 'land.parcels'::regclass and c.op = 'insert' and p.map_sheet = 930
            """));
    }

    // Answered 202, a large batch is applied by the hub receiving it, from its first chunk; what is
    // stored and answered is what the worker would have stored and answered.
    [Fact]
    public async Task a_large_batch_is_applied_while_it_is_received_and_a_retry_with_its_key_gets_the_same_answer()
    {
        var body = Parcels.Collection(Batch(953));
        var key = Guid.NewGuid().ToString();
        var accepted = await SubmitRequests.PostAsync(client, Url, body, key, respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var status = accepted.Headers.Location!;
        var end = await AsyncSubmissionTests.WaitForEndAsync(client, status);

        Assert.Equal("applied", end.GetProperty("status").GetString());
        Assert.Equal(Records, end.GetProperty("inserted").GetInt32());
        Assert.True(hub.Said(status, "is applied while it is received"), string.Join('\n', hub.Lines));
        Assert.True(hub.Said(status, Direct), string.Join('\n', hub.Lines));
        Assert.Equal((long)Records, await ParcelsOnSheetAsync(953));
        var again = await SubmitRequests.JsonAsync(await SubmitRequests.PostAsync(client, Url, body, key, respondAsync: true), HttpStatusCode.OK);
        Assert.Equal(end.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        Assert.Equal((long)Records, await ParcelsOnSheetAsync(953));
    }

    // One hub applies one submission at a time while receiving it: a second large batch arriving
    // meanwhile (the first held at its land uses) is stored and left to the worker, which does not
    // take the first; both are applied whole.
    [Fact]
    public async Task a_second_large_batch_while_one_is_applied_as_received_is_left_to_the_worker_and_both_are_applied_whole()
    {
        Uri first, second;
        await using (var hold = await AsyncSubmissionTests.LandUsesLock.TakeAsync(hub.Database.ConnectionString))
        {
            first = await AcceptedAsync(Parcels.Collection(Batch(965)));
            second = await AcceptedAsync(Parcels.Collection(Batch(966)));
            await hold.ReleaseAsync();
        }
        var ends = await Task.WhenAll(AsyncSubmissionTests.WaitForEndAsync(client, first), AsyncSubmissionTests.WaitForEndAsync(client, second));

        Assert.All(ends, end => Assert.Equal("applied", end.GetProperty("status").GetString()));
        Assert.True(hub.Said(first, "is applied while it is received"), string.Join('\n', hub.Lines));
        Assert.False(hub.Said(second, "is applied while it is received"));
        Assert.True(hub.Said(first, Direct) && hub.Said(second, Direct), string.Join('\n', hub.Lines));
        Assert.Equal((long)Records, await ParcelsOnSheetAsync(965));
        Assert.Equal((long)Records, await ParcelsOnSheetAsync(966));
    }

    private async Task<Uri> AcceptedAsync(string body)
    {
        var response = await SubmitRequests.PostAsync(client, Url, body, respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!;
    }

    // The made-up batch must pass every check of the short way, or the warm-up compiles only the
    // way to the first problem: a change to the exchange structure or to the checks shows here.
    [Fact]
    public async Task at_start_the_hub_runs_made_up_parcels_through_every_check_of_the_short_way()
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!hub.Lines.Any(line => line.Contains("Submissions warmed up", StringComparison.Ordinal)))
        {
            await Task.Delay(50, wait.Token);
        }

        Assert.Contains(hub.Lines, line => line.Contains("Submissions warmed up: 500 of 500 made-up parcels read, checked and encoded the short way (nothing written)", StringComparison.Ordinal));
    }

    // The short way copies land uses with session_replication_role = replica (its parcel ids are
    // its own, just copied), which fires none of land_uses' ordinary triggers. These do nothing for
    // that copy; a trigger added to land_uses must be weighed there (ParcelDirectWrite.WriteAsync)
    // before it joins this list.
    [Fact]
    public async Task land_uses_have_only_the_triggers_the_short_way_knows_it_skips()
    {
        var triggers = await hub.ScalarAsync<string>("""
            select string_agg(tgname || ':' || tgenabled::text, ',' order by tgname) from pg_trigger
            where tgrelid = 'land.land_uses'::regclass and not tgisinternal
            """);

        Assert.Equal("keep_version_on_delete:O,keep_version_on_update:O,record_deletes:O,record_inserts:O,record_updates:O,stamp_insert:O", triggers);
    }

    // Each index is paid for by every land use a submission writes: only those a lookup uses
    // (schemas/sql/0103 and 0108 dropped two that none did).
    [Fact]
    public async Task land_uses_carry_only_the_indexes_their_lookups_use()
    {
        var indexes = await hub.ScalarAsync<string>("""
            select string_agg(indexname, ',' order by indexname) from pg_indexes where schemaname = 'land' and tablename = 'land_uses'
            """);

        Assert.Equal("land_uses_parcel_purpose,land_uses_pkey", indexes);
    }

    // Partners hear of the short way's parcels as of any: the change feed's rows are routed to the outbox.
    [Fact]
    public async Task an_all_new_batch_copied_straight_is_routed_to_the_outbox_parcel_by_parcel()
    {
        await hub.ExecuteAsWriterAsync("update outbox.routes set enabled = true where dataset_id = 'parcels'");
        try
        {
            var (status, end) = await SubmitAsync(Parcels.Collection(Batch(935)));

            Assert.Equal("applied", end.GetProperty("status").GetString());
            Assert.True(hub.Said(status, Direct), string.Join('\n', hub.Lines));
            var targets = await hub.ScalarAsync<long>("select count(*) from outbox.routes where dataset_id = 'parcels' and enabled");
            Assert.True(targets > 0, "no route for parcels to enable");
            Assert.Equal(Records * targets, await hub.ScalarAsync<long>("""
                select count(*) from outbox.messages m join land.parcels p on m.entity_key = p.id::text
                where m.dataset_id = 'parcels' and m.change = 'insert' and p.map_sheet = 935
                """));
        }
        finally
        {
            await hub.ExecuteAsWriterAsync("update outbox.routes set enabled = false where dataset_id = 'parcels'");
        }
    }

    public static TheoryData<string> Faults => new(Fault.Keys.Order());

    private static readonly Dictionary<string, Action<JsonObject>> Fault = new()
    {
        ["self-intersection"] = f => f["geometry"]!["coordinates"] = JsonNode.Parse("[[[[590040,1300000],[590060,1300025],[590060,1300000],[590040,1300025],[590040,1300000]]]]"),
        // A ring that touches itself at a corner: edges that meet without crossing (SimplePolygons leaves it to IsValid).
        ["ring touching itself"] = f => f["geometry"]!["coordinates"] = JsonNode.Parse("[[[[590040,1300000],[590060,1300000],[590050,1300012],[590060,1300025],[590040,1300025],[590050,1300012],[590040,1300000]]]]"),
        ["unit not valid on the registration date"] = f => f["properties"]!["registered_on"] = "2026-01-01",
        ["purpose code unknown"] = f => f["properties"]!["land_uses"]![0]!["purpose_code"] = "XYZ",
        ["origin code unknown"] = f => f["properties"]!["land_uses"]![0]!["origin_code"] = "ZZZ",
        ["area far from the geometry"] = f =>
        {
            f["properties"]!["area_m2"] = 900;
            f["properties"]!["land_uses"]![0]!["area_m2"] = 900;
        },
        ["key repeated in the batch"] = f => f["properties"]!["parcel_no"] = 1,
        ["outside Viet Nam"] = f => f["geometry"]!["coordinates"] = JsonNode.Parse("[[[[590000,3000000],[590020,3000000],[590020,3000025],[590000,3000025],[590000,3000000]]]]"),
        ["structure"] = f => f["properties"]!["map_sheet"] = "nine",
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task a_fault_in_the_last_record_undoes_the_parcels_already_copied_and_is_reported_as_the_staged_way_reports_it(string fault)
    {
        var sheet = 940 + Fault.Keys.Order().ToList().IndexOf(fault);
        var body = Parcels.Collection(Batch(sheet, Fault[fault]));
        var changesBefore = await hub.ScalarAsync<long>("select count(*) from catalog.changes");

        var (status, end) = await SubmitAsync(body);

        Assert.Equal("rejected", end.GetProperty("status").GetString());
        Assert.True(hub.Said(status, Staged), string.Join('\n', hub.Lines));
        Assert.Equal(0L, await ParcelsOnSheetAsync(sheet));
        Assert.Equal(changesBefore, await hub.ScalarAsync<long>("select count(*) from catalog.changes"));
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from history.land_parcels where written_by = $1", $"submission:{end.GetProperty("id").GetString()}"));
        // The same body sent to be answered at once goes the staged way only: the same problems.
        var answer = await Problems.AssertProblemAsync(await SubmitRequests.PostAsync(client, Url, body), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(answer.GetProperty("problems").ToString(), end.GetProperty("problems").ToString());
        Assert.All(end.GetProperty("problems").EnumerateArray(), p => Assert.Equal(Records - 1, p.GetProperty("record").GetInt32()));
    }

    [Fact]
    public async Task a_batch_naming_a_parcel_that_exists_goes_the_staged_way_and_updates_it()
    {
        var existing = Parcels.GridFeature(Records - 1, 960);
        existing["properties"]!["address"] = "Before";
        Assert.Equal(HttpStatusCode.Created, (await SubmitRequests.PostAsync(client, Url, Parcels.Collection(existing))).StatusCode);

        var (status, end) = await SubmitAsync(Parcels.Collection(Batch(960, f => f["properties"]!["address"] = "After")));

        Assert.Equal("applied", end.GetProperty("status").GetString());
        Assert.True(hub.Said(status, Staged), string.Join('\n', hub.Lines));
        Assert.Equal(Records - 1, end.GetProperty("inserted").GetInt32());
        Assert.Equal(1, end.GetProperty("updated").GetInt32());
        Assert.Equal((long)Records, await ParcelsOnSheetAsync(960));
        Assert.Equal(1L, await hub.ScalarAsync<long>("select count(*) from land.parcels where map_sheet = 960 and address = 'After'"));
    }

    [Fact]
    public async Task a_batch_with_a_retirement_goes_the_staged_way_and_retires()
    {
        Assert.Equal(HttpStatusCode.Created, (await SubmitRequests.PostAsync(client, Url, Parcels.Collection(Parcels.GridFeature(Records - 1, 961)))).StatusCode);
        var batch = Batch(961, f => f["properties"] = new JsonObject
        {
            ["commune_code"] = Parcels.Commune, ["map_sheet"] = 961, ["parcel_no"] = Records, ["retired"] = true,
        });

        var (status, end) = await SubmitAsync(Parcels.Collection(batch));

        Assert.Equal("applied", end.GetProperty("status").GetString());
        Assert.True(hub.Said(status, Staged), string.Join('\n', hub.Lines));
        Assert.Equal(1, end.GetProperty("retired").GetInt32());
        Assert.Equal((long)Records - 1, await ParcelsOnSheetAsync(961));
    }

    [Fact]
    public async Task a_batch_in_wgs84_goes_the_staged_way_and_is_stored_in_vn2000()
    {
        var body = await Parcels.Wgs84CollectionAsync(hub, 962);

        var (status, end) = await SubmitAsync(body);

        Assert.Equal("applied", end.GetProperty("status").GetString());
        Assert.True(hub.Said(status, Staged), string.Join('\n', hub.Lines));
        Assert.Equal(9212, await hub.ScalarAsync<int>("select ST_SRID(geom) from land.parcels where map_sheet = 962"));
    }
}
