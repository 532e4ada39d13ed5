using System.Net;
using System.Text.Json;
using DataHub.Tests.Infrastructure;
using DataHub.Tests.Submissions;

namespace DataHub.Tests.Deliveries;

/// <summary>
/// The sample province with the parcels routes on and no partner configured (nothing is sent):
/// what submissions write into the outbox, and what /api/v1/deliveries shows of it.
/// </summary>
public sealed class OutboxHubFixture : SeededHubFixture
{
    protected override async Task PrepareDatabaseAsync()
    {
        await base.PrepareDatabaseAsync();
        await using var command = DataSource.CreateCommand("update outbox.routes set enabled = true where dataset_id = 'parcels'");
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class DeliveriesApiTests(OutboxHubFixture hub) : IClassFixture<OutboxHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();

    private async Task<JsonElement> GetAsync(string url)
    {
        var response = await client.GetAsync(url);
        return await SubmitRequests.JsonAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task an_applied_submission_writes_one_message_per_parcel_and_partner_in_its_own_transaction_and_a_rejected_one_writes_none()
    {
        var before = await hub.ScalarAsync<long>("select count(*) from outbox.messages");
        var features = Enumerable.Range(0, 5).Select(n => Parcels.GridFeature(n, 951)).ToArray();
        var applied = await SubmitRequests.PostAsync(client, "/api/v1/datasets/parcels/submissions", Parcels.Collection(features));
        await SubmitRequests.JsonAsync(applied, HttpStatusCode.Created);

        // A parcel and its land uses are two statements of one transaction: still one message per partner.
        Assert.Equal(10L, await hub.ScalarAsync<long>("select count(*) from outbox.messages") - before);
        Assert.Equal(5L, await hub.ScalarAsync<long>("""
            select count(*) from outbox.messages m join land.parcels p on p.id::text = m.entity_key
            where m.target = 'ministry' and p.map_sheet = 951 and m.change = 'insert'
              and m.txid = (select c.txid from catalog.changes c where c.table_name = 'land.parcels'::regclass and c.row_key = p.id::text order by c.id desc limit 1)
            """));

        var broken = Parcels.GridFeature(9, 952);
        broken["properties"]!["area_m2"] = -1;
        var rejected = await SubmitRequests.PostAsync(client, "/api/v1/datasets/parcels/submissions", Parcels.Collection(Parcels.GridFeature(8, 952), broken));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        Assert.Equal(10L, await hub.ScalarAsync<long>("select count(*) from outbox.messages") - before);
    }

    [Fact]
    public async Task deliveries_show_counts_by_target_and_status_with_the_lag_and_page_through_messages_by_filter()
    {
        await hub.ExecuteAsWriterAsync("update land.parcels set address = 'counted' where id in (select id from land.parcels order by id limit 3)");
        var summary = await GetAsync("/api/v1/deliveries");
        var ministry = summary.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("target").GetString() == "ministry");
        Assert.False(ministry.GetProperty("configured").GetBoolean());
        Assert.True(ministry.GetProperty("pending").GetInt64() >= 3);
        Assert.True(ministry.GetProperty("oldestPendingSeconds").GetDouble() >= 0);
        Assert.Equal(JsonValueKind.String, ministry.GetProperty("oldestPendingAt").ValueKind);

        var first = await GetAsync("/api/v1/deliveries/messages?target=ioc&status=pending&dataset=parcels&limit=2");
        Assert.Equal(2, first.GetProperty("messages").GetArrayLength());
        var next = first.GetProperty("next").GetInt64();
        var second = await GetAsync($"/api/v1/deliveries/messages?target=ioc&status=pending&limit=2&after={next}");
        Assert.All(second.GetProperty("messages").EnumerateArray(), m =>
        {
            Assert.True(m.GetProperty("id").GetInt64() > next);
            Assert.Equal("ioc", m.GetProperty("target").GetString());
        });
        var key = first.GetProperty("messages")[0].GetProperty("entityKey").GetString();
        var byKey = await GetAsync($"/api/v1/deliveries/messages?key={key}&target=ioc");
        Assert.All(byKey.GetProperty("messages").EnumerateArray(), m => Assert.Equal(key, m.GetProperty("entityKey").GetString()));
    }

    [Theory]
    [InlineData("status=lost", "status", "Unknown status 'lost'")]
    [InlineData("target=cadastre", "target", "Unknown target 'cadastre'")]
    [InlineData("limit=0", "limit", "limit must be a whole number from 1 to 1000, not '0'.")]
    [InlineData("limit=1001", "limit", "limit must be a whole number from 1 to 1000, not '1001'.")]
    [InlineData("after=x", "after", "'x' is not a message id")]
    [InlineData("sort=id", "sort", "Unknown parameter 'sort'")]
    public async Task a_bad_message_filter_is_a_400_naming_the_parameter(string query, string parameter, string message)
    {
        var problem = await Problems.AssertProblemAsync(await client.GetAsync($"/api/v1/deliveries/messages?{query}"), HttpStatusCode.BadRequest);
        Assert.Contains(message, problem.GetProperty("errors").GetProperty(parameter)[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_dead_letter_is_replayed_alone_or_in_bulk_and_anything_else_is_refused()
    {
        await hub.ExecuteAsWriterAsync("update land.parcels set address = 'dead' where id in (select id from land.parcels order by id desc limit 3)");
        var ids = new List<long>();
        await using (var command = hub.DataSource.CreateCommand("""
            update outbox.messages set status = 'dead', attempts = 10, last_error = 'rejected: test', finished_at = now()
            where id in (select id from outbox.messages where status = 'pending' and target = 'ministry' order by id desc limit 3) returning id
            """))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        var one = await SubmitRequests.JsonAsync(await client.PostAsync($"/api/v1/deliveries/messages/{ids[0]}/replay", null), HttpStatusCode.OK);
        Assert.Equal("pending", one.GetProperty("message").GetProperty("status").GetString());
        Assert.Equal(0, one.GetProperty("message").GetProperty("attempts").GetInt32());
        var replayed = one.GetProperty("attempts").EnumerateArray().Last();
        Assert.Equal("replayed", replayed.GetProperty("outcome").GetString());
        Assert.Equal("rejected: test", replayed.GetProperty("error").GetString());

        var again = await Problems.AssertProblemAsync(await client.PostAsync($"/api/v1/deliveries/messages/{ids[0]}/replay", null), HttpStatusCode.Conflict);
        Assert.Equal($"Message {ids[0]} is pending; only dead-lettered messages are replayed.", again.GetProperty("detail").GetString());
        await Problems.AssertProblemAsync(await client.PostAsync("/api/v1/deliveries/messages/999999999/replay", null), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await client.GetAsync("/api/v1/deliveries/messages/999999999"), HttpStatusCode.NotFound);

        var bulk = await SubmitRequests.JsonAsync(await client.PostAsync("/api/v1/deliveries/replay?target=ministry&dataset=parcels", null), HttpStatusCode.OK);
        Assert.Equal(2, bulk.GetProperty("replayed").GetInt32());
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from outbox.messages where status = 'dead'"));
    }

    [Fact]
    public async Task routes_are_listed_and_an_administrator_turns_one_on_and_off()
    {
        var routes = (await GetAsync("/api/v1/deliveries/routes")).GetProperty("routes").EnumerateArray().ToList();
        // Four of datasets, two of event sources (sharing events, backup alerts).
        Assert.Equal(6, routes.Count);
        Assert.Equal(["backup-alerts", "sharing-events"], routes.Select(r => r.GetProperty("dataset").GetString()).Where(d => d is "sharing-events" or "backup-alerts").Order());
        var zones = routes.Single(r => r.GetProperty("dataset").GetString() == "planning-zones");
        Assert.Equal("ioc", zones.GetProperty("target").GetString());
        Assert.False(zones.GetProperty("enabled").GetBoolean());
        Assert.All(routes.Where(r => r.GetProperty("dataset").GetString() == "parcels"), r => Assert.True(r.GetProperty("enabled").GetBoolean()));

        var id = zones.GetProperty("id").GetInt32();
        using var on = new StringContent("""{"enabled": true}""", System.Text.Encoding.UTF8, "application/json");
        var changed = await SubmitRequests.JsonAsync(await client.PatchAsync($"/api/v1/deliveries/routes/{id}", on), HttpStatusCode.OK);
        Assert.True(changed.GetProperty("enabled").GetBoolean());
        using var off = new StringContent("""{"enabled": false}""", System.Text.Encoding.UTF8, "application/json");
        Assert.False((await SubmitRequests.JsonAsync(await client.PatchAsync($"/api/v1/deliveries/routes/{id}", off), HttpStatusCode.OK)).GetProperty("enabled").GetBoolean());

        using var empty = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        var nothing = await Problems.AssertProblemAsync(await client.PatchAsync($"/api/v1/deliveries/routes/{id}", empty), HttpStatusCode.BadRequest);
        Assert.Equal("Send {\"enabled\": true} or {\"enabled\": false}.", nothing.GetProperty("detail").GetString());
        using var unknown = new StringContent("""{"enabled": true}""", System.Text.Encoding.UTF8, "application/json");
        await Problems.AssertProblemAsync(await client.PatchAsync("/api/v1/deliveries/routes/9999", unknown), HttpStatusCode.NotFound);
    }
}
