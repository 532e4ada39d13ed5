using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Dossiers;

/// <summary>
/// A change-registration dossier (1.013831, 8 working days) walked from intake through the tax
/// authority to the applied transfer, across Tết 2026 (holidays 16-20 February).
/// </summary>
public sealed class DossierWorkflowTests(DossiersHubFixture hub) : IClassFixture<DossiersHubFixture>
{
    private static string State(JsonElement dossier) => dossier.GetProperty("state").GetString()!;
    private static string Due(JsonElement dossier) => dossier.GetProperty("dueOn").GetString()!;

    [Fact]
    public async Task a_transfer_goes_from_intake_through_the_tax_stage_to_the_land_database_with_the_tax_stage_not_counted()
    {
        using var shop = hub.As("one-stop-shop");
        using var registrar = hub.As("registrar");
        using var head = hub.As("head");
        using var tax = hub.As("tax");

        // Received Thursday 12 Feb 2026: 8 working days skip the Tết week: 13 Feb, 23-27 Feb, 2-3 Mar.
        hub.Time.At("2026-02-12T10:00:00");
        var dossier = await DossiersHubFixture.JsonAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", DossiersHubFixture.TransferDossier("BN-FLOW-1")));
        var id = dossier.GetProperty("id").GetGuid();
        Assert.Equal("received", State(dossier));
        Assert.Equal("2026-03-03", Due(dossier));

        dossier = await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "accept"));
        Assert.Equal("in-processing", State(dossier));

        // Tuesday 24 Feb: to the tax authority; the clock stops.
        hub.Time.At("2026-02-24T09:00:00");
        dossier = await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "send-to-tax", new { landPriceVndPerM2 = 2_500_000 }));
        Assert.Equal("waiting-for-financial-obligation", State(dossier));
        var toTax = await hub.ScalarAsync<string>("select payload::text from dossiers.messages where dossier_id = $1 and target = 'tax-authority'", id);
        using (var message = JsonDocument.Parse(toTax))
        {
            Assert.Equal("BN-FLOW-1", message.RootElement.GetProperty("dossierNumber").GetString());
            Assert.Equal(1000m, message.RootElement.GetProperty("parcels")[0].GetProperty("areaM2").GetDecimal());
            Assert.Equal("079123456789", message.RootElement.GetProperty("taxpayer").GetProperty("idNumber").GetString());
            Assert.Equal(2_500_000, message.RootElement.GetProperty("officer").GetProperty("landPriceVndPerM2").GetInt32());
        }

        // Friday 27 Feb: the notice, then the payment (sent twice: written once).
        hub.Time.At("2026-02-27T15:00:00");
        // An amount the notices' column cannot hold (numeric(18, 0)) is a problem at the field, not a 500.
        var huge = await Problems.AssertProblemAsync(await tax.PostAsJsonAsync($"/api/v1/dossiers/{id}/tax-notices", new { kind = "notice", reference = "TB-HUGE", amountVnd = 1e18m }), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/amountVnd", Assert.Single(huge.GetProperty("problems").EnumerateArray()).GetProperty("pointer").GetString());
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from dossiers.tax_notices where reference = 'TB-HUGE'"));
        dossier = await DossiersHubFixture.JsonAsync(await tax.PostAsJsonAsync($"/api/v1/dossiers/{id}/tax-notices", new { kind = "notice", reference = "TB-2026-0001", amountVnd = 17_000_000 }));
        Assert.Equal("waiting-for-financial-obligation", State(dossier));
        Assert.Equal("2026-03-06", Due(dossier)); // 25, 26 and 27 Feb stood still so far
        var payment = new { kind = "payment", reference = "BL-2026-0001", amountVnd = 17_000_000 };
        dossier = await DossiersHubFixture.JsonAsync(await tax.PostAsJsonAsync($"/api/v1/dossiers/{id}/tax-notices", payment));
        Assert.Equal("obligation-fulfilled", State(dossier));
        var repeat = await tax.PostAsJsonAsync($"/api/v1/dossiers/{id}/tax-notices", payment);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal("true", repeat.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1L, await hub.ScalarAsync<long>("select count(*) from dossiers.steps where dossier_id = $1 and action = 'confirm-payment'", id));

        // The three working days in the tax stage are not counted: due Friday 6 March, not Tuesday 3 March.
        Assert.Equal("2026-03-06", Due(dossier));
        Assert.Equal(3, dossier.GetProperty("stoppedWorkingDays").GetInt32());

        // Wednesday 4 March: past the statutory 3 March, still on time thanks to the stopped clock.
        hub.Time.At("2026-03-04T10:00:00");
        dossier = await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(head, id, "approve"));
        Assert.Equal("result-ready", State(dossier));
        Assert.False(dossier.GetProperty("overdue").GetBoolean());
        dossier = await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(shop, id, "return-result"));
        Assert.Equal("returned", State(dossier));
        Assert.False(dossier.GetProperty("overdue").GetBoolean());
        Assert.Empty(dossier.GetProperty("allowedActions").EnumerateArray());

        // The parcel's land user changed, by the dossier; the old link is in history, ended by it.
        var writer = $"dossier:{id}";
        Assert.Equal("Trần Thị Nhận", await hub.ScalarAsync<string>("""
            select u.full_name from land.parcel_users pu join personal.land_users u on u.id = pu.land_user_id where pu.parcel_id = $1 and pu.role = 'owner'
            """, hub.TransferParcel));
        Assert.Equal(writer, await hub.ScalarAsync<string>("select written_by from land.parcel_users where parcel_id = $1", hub.TransferParcel));
        Assert.Equal("Lê Văn Cũ", await hub.ScalarAsync<string>("""
            select u.full_name from history.land_parcel_users h join personal.land_users u on u.id = h.land_user_id
            where h.parcel_id = $1 and h.ended_by = $2 and h.change = 'delete'
            """, hub.TransferParcel, writer));

        // Every step is kept with who took it, when and the note; the one-stop shop heard of each step it did not take.
        var steps = await DossiersHubFixture.JsonAsync(await registrar.GetAsync($"/api/v1/dossiers/{id}/steps"));
        Assert.Equal(["receive", "accept", "send-to-tax", "confirm-payment", "approve", "return-result"],
            steps.EnumerateArray().Select(s => s.GetProperty("action").GetString()));
        Assert.All(steps.EnumerateArray(), s => Assert.False(string.IsNullOrEmpty(s.GetProperty("note").GetString())));
        Assert.Equal("2026-02-24T02:00:00+00:00", steps[2].GetProperty("at").GetDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["status", "status", "tax-notice", "status", "result"], await KindsToShopAsync(id));
    }

    private async Task<List<string>> KindsToShopAsync(Guid id)
    {
        var kinds = await hub.ScalarAsync<string[]>("select array_agg(kind order by id) from dossiers.messages where dossier_id = $1 and target = 'one-stop-shop'", id);
        return [.. kinds];
    }

    [Fact]
    public async Task every_step_not_in_the_workflow_from_the_current_state_is_refused_naming_the_state_and_the_allowed_actions()
    {
        using var shop = hub.As("one-stop-shop");
        using var registrar = hub.As("registrar");
        using var head = hub.As("head");
        hub.Time.At("2026-02-12T10:00:00");
        var body = DossiersHubFixture.TransferDossier("BN-ILLEGAL-1");
        var id = (await DossiersHubFixture.JsonAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", body))).GetProperty("id").GetGuid();
        var procedures = await DossiersHubFixture.JsonAsync(await registrar.GetAsync("/api/v1/dossier-procedures"));
        var transitions = procedures.EnumerateArray().Single(p => p.GetProperty("code").GetString() == "1.013831").GetProperty("transitions")
            .EnumerateArray().Select(t => (From: t.GetProperty("from").GetString()!, Action: t.GetProperty("action").GetString()!)).ToList();
        var actions = transitions.Select(t => t.Action).Distinct().ToList();

        // From 'received', every action the workflow does not list from there is refused, and nothing moves.
        foreach (var action in actions.Where(a => !transitions.Contains(("received", a))).Append("fly-away"))
        {
            var problem = await Problems.AssertProblemAsync(await DossiersHubFixture.StepAsync(head, id, action), HttpStatusCode.Conflict);
            Assert.Equal("received", problem.GetProperty("currentState").GetString());
            Assert.Equal(["accept", "reject", "request-supplement"], problem.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()));
            Assert.Contains($"'{action}' is not allowed", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(1L, await hub.ScalarAsync<long>("select count(*) from dossiers.steps where dossier_id = $1", id));

        // An allowed action needs its own right: the one-stop shop may not accept.
        var forbidden = await Problems.AssertProblemAsync(await DossiersHubFixture.StepAsync(shop, id, "accept"), HttpStatusCode.Forbidden);
        Assert.Contains("dossiers.process", forbidden.GetProperty("detail").GetString());

        // Supplement loop, pause and resume, then a rejection closes it for good.
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "request-supplement"));
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(shop, id, "supplement"));
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "pause"));
        var paused = await Problems.AssertProblemAsync(await DossiersHubFixture.StepAsync(head, id, "approve"), HttpStatusCode.Conflict);
        Assert.Equal(["resume"], paused.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()));
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "resume"));
        Assert.Equal("rejected", State(await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(head, id, "reject"))));
        foreach (var action in actions)
        {
            var closed = await Problems.AssertProblemAsync(await DossiersHubFixture.StepAsync(head, id, action), HttpStatusCode.Conflict);
            Assert.Equal("rejected", closed.GetProperty("currentState").GetString());
            Assert.Empty(closed.GetProperty("allowedActions").EnumerateArray());
        }
        // The land database was not touched by a rejected dossier.
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from history.land_parcel_users where ended_by = $1", $"dossier:{id}"));
    }

    [Fact]
    public async Task a_paused_dossier_does_not_count_the_pause_and_a_late_one_is_flagged_and_gets_an_apology_with_a_new_date()
    {
        using var shop = hub.As("one-stop-shop");
        using var registrar = hub.As("registrar");
        hub.Time.At("2026-02-12T10:00:00");
        var id = (await DossiersHubFixture.JsonAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", DossiersHubFixture.TransferDossier("BN-LATE-1")))).GetProperty("id").GetGuid();
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "accept"));
        hub.Time.At("2026-02-23T09:00:00");
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "pause", note: "waiting for a boundary survey"));
        hub.Time.At("2026-02-25T09:00:00");
        var dossier = await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "resume"));
        Assert.Equal(2, dossier.GetProperty("stoppedWorkingDays").GetInt32()); // 24 and 25 Feb
        Assert.Equal("2026-03-05", Due(dossier));

        hub.Time.At("2026-03-06T09:00:00");
        dossier = await DossiersHubFixture.JsonAsync(await registrar.GetAsync($"/api/v1/dossiers/{id}"));
        Assert.True(dossier.GetProperty("overdue").GetBoolean());
        var overdue = await DossiersHubFixture.JsonAsync(await registrar.GetAsync("/api/v1/dossiers?overdue=true&procedure=1.013831"));
        Assert.Contains(overdue.EnumerateArray(), d => d.GetProperty("id").GetGuid() == id);

        var refused = await Problems.AssertProblemAsync(await registrar.PostAsJsonAsync($"/api/v1/dossiers/{id}/apologies", new { reason = "", newReturnOn = "2026-03-01" }), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["/reason", "/newReturnOn"], refused.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("pointer").GetString()));
        // An endless return date (stored as infinity, it left the dossier unreadable) is refused at the field.
        var endless = await Problems.AssertProblemAsync(await registrar.PostAsJsonAsync($"/api/v1/dossiers/{id}/apologies", new { reason = "Chờ", newReturnOn = "9999-12-31" }), HttpStatusCode.BadRequest);
        Assert.True(endless.GetProperty("errors").TryGetProperty("newReturnOn", out _), endless.ToString());
        var apology = await registrar.PostAsJsonAsync($"/api/v1/dossiers/{id}/apologies", new { reason = "Chờ kết quả đo đạc lại ranh giới thửa", newReturnOn = "2026-03-12" });
        Assert.Equal(HttpStatusCode.Created, apology.StatusCode);
        dossier = await DossiersHubFixture.JsonAsync(apology);
        Assert.Equal("2026-03-12", dossier.GetProperty("promisedOn").GetString());
        Assert.Equal("2026-03-05", dossier.GetProperty("apologies")[0].GetProperty("dueOn").GetString());
        Assert.Equal(1L, await hub.ScalarAsync<long>("select count(*) from dossiers.messages where dossier_id = $1 and kind = 'apology'", id));
    }

    [Fact]
    public async Task the_tax_authority_fetches_the_information_sent_to_it_and_acknowledges_it_and_no_one_else_reads_it()
    {
        using var shop = hub.As("one-stop-shop");
        using var registrar = hub.As("registrar");
        using var tax = hub.As("tax");
        hub.Time.At("2026-02-12T10:00:00");
        var id = (await DossiersHubFixture.JsonAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", DossiersHubFixture.TransferDossier("BN-MSG-1")))).GetProperty("id").GetGuid();
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "accept"));
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "send-to-tax"));

        var waiting = await DossiersHubFixture.JsonAsync(await tax.GetAsync("/api/v1/dossier-messages?target=tax-authority"));
        var message = Assert.Single(waiting.EnumerateArray(), m => m.GetProperty("dossierId").GetGuid() == id);
        Assert.Equal("financial-obligation-information", message.GetProperty("kind").GetString());
        Assert.Equal("Nguyễn Văn Nộp", message.GetProperty("payload").GetProperty("taxpayer").GetProperty("fullName").GetString());
        Assert.True(await hub.ScalarAsync<long>("select count(*) from audit.entries where action = 'dossier.messages-fetched' and actor = 'client:thue'") > 0);

        // The one-stop shop and the officer may not read the tax authority's messages, nor acknowledge them.
        await Problems.AssertProblemAsync(await shop.GetAsync("/api/v1/dossier-messages?target=tax-authority"), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await registrar.GetAsync("/api/v1/dossier-messages?target=tax-authority"), HttpStatusCode.Forbidden);
        var messageId = message.GetProperty("id").GetInt64();
        await Problems.AssertProblemAsync(await shop.PostAsync($"/api/v1/dossier-messages/{messageId}/delivery", null), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await tax.GetAsync("/api/v1/dossier-messages?target=ministry"), HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.NoContent, (await tax.PostAsync($"/api/v1/dossier-messages/{messageId}/delivery", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tax.PostAsync($"/api/v1/dossier-messages/{messageId}/delivery", null)).StatusCode);
        waiting = await DossiersHubFixture.JsonAsync(await tax.GetAsync("/api/v1/dossier-messages?target=tax-authority"));
        Assert.DoesNotContain(waiting.EnumerateArray(), m => m.GetProperty("id").GetInt64() == messageId);

        // The one-stop shop fetches its own: the status of each step it did not take.
        var toShop = await DossiersHubFixture.JsonAsync(await shop.GetAsync("/api/v1/dossier-messages?target=one-stop-shop"));
        Assert.Equal(["in-processing", "waiting-for-financial-obligation"], toShop.EnumerateArray()
            .Where(m => m.GetProperty("dossierId").GetGuid() == id).Select(m => m.GetProperty("payload").GetProperty("state").GetString()));
    }
}
