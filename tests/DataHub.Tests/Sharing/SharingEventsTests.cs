using System.Net;
using System.Text;
using System.Text.Json;
using DataHub.Api.Deliveries;
using Microsoft.Extensions.DependencyInjection;

namespace DataHub.Tests.Sharing;

public sealed class SharingEventsTests(SharingHubFixture hub) : IClassFixture<SharingHubFixture>
{
    private static readonly string[] Fields = ["commune_code"];

    [Fact]
    public async Task with_its_route_on_every_sharing_event_is_queued_for_the_ioc_in_its_own_transaction_and_sent_as_the_event()
    {
        using var admin = hub.CreateClient();
        var routes = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/deliveries/routes")).RootElement;
        var route = routes.GetProperty("routes").EnumerateArray().Single(r => r.GetProperty("dataset").GetString() == "sharing-events");
        Assert.False(route.GetProperty("enabled").GetBoolean());
        var enabled = await admin.PatchAsync($"/api/v1/deliveries/routes/{route.GetProperty("id").GetInt32()}",
            new StringContent("""{"enabled": true}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);

        var filed = await hub.FileAsync(SharingHubFixture.Scope([new { dataset = "parcels", fields = Fields }],
            SharingHubFixture.Today, SharingHubFixture.Today.AddDays(30)));
        var requestId = filed.GetProperty("id").GetString();

        var page = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/deliveries/messages?dataset=sharing-events&target=ioc")).RootElement;
        var message = Assert.Single(page.GetProperty("messages").EnumerateArray());
        Assert.Equal("pending", message.GetProperty("status").GetString());

        // What the IOC gets is the event as it was recorded.
        var rendered = await hub.Services.GetRequiredService<OutboxRecords>()
            .ReadAsync("sharing-events", [message.GetProperty("entityKey").GetString()!], CancellationToken.None);
        var record = JsonDocument.Parse(rendered.Values.Single().Json!).RootElement;
        Assert.Equal("request.filed", record.GetProperty("kind").GetString());
        Assert.Equal(requestId, record.GetProperty("requestId").GetString());
        Assert.Equal("thue-dn", record.GetProperty("requesterUnit").GetString());
    }

    [Fact]
    public async Task with_its_route_on_a_failed_backup_alert_is_queued_for_the_ioc()
    {
        using var admin = hub.CreateClient();
        var routes = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/deliveries/routes")).RootElement;
        var route = routes.GetProperty("routes").EnumerateArray().Single(r => r.GetProperty("dataset").GetString() == "backup-alerts");
        await admin.PatchAsync($"/api/v1/deliveries/routes/{route.GetProperty("id").GetInt32()}", new StringContent("""{"enabled": true}""", Encoding.UTF8, "application/json"));
        await hub.ExecuteAsWriterAsync("insert into backups.alerts (event_type, subject, message) values ('datahub.backup.failed', 'b-1', 'the backup server did not answer')");

        var page = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/deliveries/messages?dataset=backup-alerts&target=ioc")).RootElement;
        var message = Assert.Single(page.GetProperty("messages").EnumerateArray());
        var rendered = await hub.Services.GetRequiredService<OutboxRecords>()
            .ReadAsync("backup-alerts", [message.GetProperty("entityKey").GetString()!], CancellationToken.None);
        Assert.Equal("datahub.backup.failed", JsonDocument.Parse(rendered.Values.Single().Json!).RootElement.GetProperty("type").GetString());
    }
}
