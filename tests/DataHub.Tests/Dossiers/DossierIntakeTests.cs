using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Dossiers;

public sealed class DossierIntakeTests(DossiersHubFixture hub) : IClassFixture<DossiersHubFixture>
{
    [Fact]
    public async Task the_same_dossier_sent_twice_is_written_once_and_a_changed_body_under_the_same_number_is_refused()
    {
        hub.Time.At("2026-02-12T10:00:00");
        using var shop = hub.As("one-stop-shop");
        var body = DossiersHubFixture.TransferDossier("BN-IDEM-1");

        var first = await shop.PostAsJsonAsync("/api/v1/dossiers", body);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var created = await DossiersHubFixture.JsonAsync(first);
        var again = await shop.PostAsJsonAsync("/api/v1/dossiers", body);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(created.GetProperty("id").GetGuid(), (await DossiersHubFixture.JsonAsync(again)).GetProperty("id").GetGuid());

        // The form's keys in another order, at every depth, are the same dossier.
        static JsonNode? Reversed(JsonNode? node) => node switch
        {
            JsonObject o => new JsonObject(o.Reverse().Select(p => KeyValuePair.Create(p.Key, Reversed(p.Value)))),
            JsonArray a => new JsonArray([.. a.Select(Reversed)]),
            _ => node?.DeepClone(),
        };
        var reordered = body.DeepClone().AsObject();
        reordered["form"] = Reversed(body["form"]);
        Assert.NotEqual(body["form"]!.ToJsonString(), reordered["form"]!.ToJsonString());
        var inOtherOrder = await shop.PostAsJsonAsync("/api/v1/dossiers", reordered);
        Assert.Equal(HttpStatusCode.OK, inOtherOrder.StatusCode);
        Assert.Equal("true", inOtherOrder.Headers.GetValues("Idempotent-Replayed").Single());

        body["form"]!["contract"]!["priceVnd"] = 900000000;
        var conflict = await Problems.AssertProblemAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", body), HttpStatusCode.Conflict);
        Assert.Contains("BN-IDEM-1", conflict.GetProperty("detail").GetString());

        Assert.Equal(1L, await hub.ScalarAsync<long>("select count(*) from dossiers.dossiers where sender_number = 'BN-IDEM-1'"));
        Assert.Equal(1L, await hub.ScalarAsync<long>("select count(*) from dossiers.documents d join dossiers.dossiers x on x.id = d.dossier_id where x.sender_number = 'BN-IDEM-1'"));
        Assert.Equal(1L, await hub.ScalarAsync<long>("select count(*) from audit.entries where action = 'dossier.received' and details->>'dossierNumber' = 'BN-IDEM-1'"));
    }

    [Fact]
    public async Task the_same_dossier_sent_five_times_at_once_is_written_once_and_each_sender_answered()
    {
        hub.Time.At("2026-02-12T10:00:00");
        var body = DossiersHubFixture.TransferDossier("BN-RACE-1");
        var clients = Enumerable.Range(0, 5).Select(_ => hub.As("one-stop-shop")).ToList();
        var answers = await Task.WhenAll(clients.Select(c => c.PostAsJsonAsync("/api/v1/dossiers", body)));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(4, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        var ids = await Task.WhenAll(answers.Select(async a => (await DossiersHubFixture.JsonAsync(a)).GetProperty("id").GetGuid()));
        Assert.Single(ids.Distinct());
        Assert.Equal(1L, await hub.ScalarAsync<long>("select count(*) from dossiers.steps s join dossiers.dossiers d on d.id = s.dossier_id where d.sender_number = 'BN-RACE-1'"));
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task form_data_that_breaks_the_procedures_schema_is_refused_with_a_problem_per_field_and_nothing_is_written()
    {
        hub.Time.At("2026-02-12T10:00:00");
        using var shop = hub.As("one-stop-shop");
        var body = DossiersHubFixture.TransferDossier("BN-INVALID-1");
        var form = body["form"]!.AsObject();
        form["changeKind"] = "sale";
        form["transferee"]!.AsObject().Remove("idNumber");
        form["contract"]!["signedOn"] = "10/02/2026";
        form["certificateSerial"] = "DA-1";
        body["channel"] = "fax";
        body["parcels"]![0]!["parcelNo"] = 999;
        body["unitCode"] = "no-such-unit";

        var problem = await Problems.AssertProblemAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", body), HttpStatusCode.UnprocessableEntity);
        var pointers = problem.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("pointer").GetString()).ToList();
        Assert.Contains("/form/changeKind", pointers);
        Assert.Contains("/unitCode", pointers);
        Assert.Contains("/form/transferee", pointers); // the missing required idNumber is reported on its object
        Assert.Contains("/form/contract/signedOn", pointers);
        Assert.Contains("/form/certificateSerial", pointers);
        Assert.Contains("/channel", pointers);
        Assert.Contains("/parcels/0", pointers);
        Assert.Contains(problem.GetProperty("problems").EnumerateArray(), p => p.GetProperty("pointer").GetString() == "/form/transferee"
            && p.GetProperty("message").GetString()!.Contains("idNumber", StringComparison.Ordinal));
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from dossiers.dossiers where sender_number = 'BN-INVALID-1'"));
    }

    [Fact]
    public async Task a_nul_character_in_the_form_is_refused_naming_its_place_and_nothing_is_written()
    {
        hub.Time.At("2026-02-12T10:00:00");
        using var shop = hub.As("one-stop-shop");
        var body = DossiersHubFixture.TransferDossier("BN-NUL-1");
        body["form"]!["transferee"]!["address"] = "45 Đường Số 7\u0000";
        var problem = await Problems.AssertProblemAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", body), HttpStatusCode.BadRequest);
        var only = Assert.Single(problem.GetProperty("errors").EnumerateObject());
        Assert.Equal("$.form", only.Name);
        Assert.StartsWith("At /transferee/address: The value contains a NUL character (U+0000), which the hub does not accept.", only.Value[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from dossiers.dossiers where sender_number = 'BN-NUL-1'"));
    }

    [Fact]
    public async Task a_null_document_parcel_or_certificate_is_a_400_at_its_index_and_nothing_is_written()
    {
        hub.Time.At("2026-02-12T10:00:00");
        using var shop = hub.As("one-stop-shop");
        var body = DossiersHubFixture.TransferDossier("BN-NULL-1");
        body["documents"]!.AsArray().Add(null);
        body["parcels"]!.AsArray().Insert(0, null);
        body["certificates"]!.AsArray().Add(null);
        var problem = await Problems.AssertProblemAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", body), HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Equal(["certificates[1]", "documents[1]", "parcels[0]"], errors.EnumerateObject().Select(e => e.Name).Order().ToArray());
        Assert.Equal("Item 1 of the list is null; give a value or leave the item out.", errors.GetProperty("documents[1]")[0].GetString());
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from dossiers.dossiers where sender_number = 'BN-NULL-1'"));
    }

    [Fact]
    public async Task a_received_time_outside_1900_to_2199_is_refused_at_its_field_not_blamed_on_the_procedure()
    {
        using var shop = hub.As("one-stop-shop");
        var body = DossiersHubFixture.TransferDossier("BN-1800-1", receivedAt: "1800-01-01T09:00:00+07:00");
        var problem = await Problems.AssertProblemAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", body), HttpStatusCode.BadRequest);
        var only = Assert.Single(problem.GetProperty("errors").EnumerateObject());
        Assert.Equal("receivedAt", only.Name);
        Assert.Equal("The time 1800-01-01T09:00:00+07:00 is outside the years the hub takes (1900-01-01 to 2199-12-31).", only.Value[0].GetString());
    }

    [Fact]
    public async Task an_unknown_procedure_and_a_missing_form_are_named_by_field()
    {
        hub.Time.At("2026-02-12T10:00:00");
        using var shop = hub.As("one-stop-shop");
        var body = DossiersHubFixture.TransferDossier("BN-INVALID-2");
        body["procedureCode"] = "9.999999";
        var problem = await Problems.AssertProblemAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", body), HttpStatusCode.UnprocessableEntity);
        Assert.Contains(problem.GetProperty("problems").EnumerateArray(), p => p.GetProperty("pointer").GetString() == "/procedureCode");

        body = DossiersHubFixture.TransferDossier("BN-INVALID-3");
        body.Remove("form");
        problem = await Problems.AssertProblemAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", body), HttpStatusCode.UnprocessableEntity);
        Assert.Contains(problem.GetProperty("problems").EnumerateArray(), p => p.GetProperty("pointer").GetString() == "/form");
    }

    [Fact]
    public async Task the_applicants_personal_data_is_in_no_default_response_and_reading_it_is_audited()
    {
        hub.Time.At("2026-02-12T10:00:00");
        using var shop = hub.As("one-stop-shop");
        var created = await DossiersHubFixture.JsonAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", DossiersHubFixture.TransferDossier("BN-PERSONAL-1")));
        var id = created.GetProperty("id").GetGuid();
        string[] personal = ["Nguyễn Văn Nộp", "079123456789", "12 Đường Số 3", "0912345678", "Trần Thị Nhận", "079987654321", "45 Đường Số 7"];

        // What the one-stop shop (dossiers.read, no personal.read) and the intake answer show.
        foreach (var text in new[]
                 {
                     created.GetRawText(),
                     await shop.GetStringAsync($"/api/v1/dossiers/{id}"),
                     await shop.GetStringAsync("/api/v1/dossiers?procedure=1.013831"),
                     await shop.GetStringAsync($"/api/v1/dossiers/{id}/form"),
                 })
        {
            Assert.All(personal, p => Assert.DoesNotContain(p, text, StringComparison.Ordinal));
        }
        Assert.Contains("/transferee/fullName", created.GetProperty("withheldFields").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("transfer", created.GetProperty("form").GetProperty("changeKind").GetString());

        // Without personal.read: refused; a reader may not even see dossiers.
        await Problems.AssertProblemAsync(await shop.GetAsync($"/api/v1/dossiers/{id}/applicant"), HttpStatusCode.Forbidden);
        var document = created.GetProperty("documents")[0];
        await Problems.AssertProblemAsync(await shop.GetAsync(document.GetProperty("href").GetString()), HttpStatusCode.Forbidden);
        using var reader = hub.As("reader");
        await Problems.AssertProblemAsync(await reader.GetAsync($"/api/v1/dossiers/{id}"), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await reader.GetAsync($"/api/v1/dossiers/{id}/applicant"), HttpStatusCode.Forbidden);

        // The land registration officer reads them, and each read is in the audit trail.
        using var registrar = hub.As("registrar");
        var before = await hub.ScalarAsync<long>("select count(*) from audit.entries where action = 'personal.read' and target = $1", $"dossier:{id}");
        var applicant = await DossiersHubFixture.JsonAsync(await registrar.GetAsync($"/api/v1/dossiers/{id}/applicant"));
        Assert.Equal("Nguyễn Văn Nộp", applicant.GetProperty("applicant").GetProperty("fullName").GetString());
        Assert.Equal("079987654321", applicant.GetProperty("personalFields").GetProperty("/transferee/idNumber").GetString());
        Assert.Contains("Trần Thị Nhận", await registrar.GetStringAsync($"/api/v1/dossiers/{id}/form"));
        Assert.Equal(before + 2, await hub.ScalarAsync<long>("select count(*) from audit.entries where action = 'personal.read' and target = $1", $"dossier:{id}"));
        Assert.StartsWith("account:", await hub.ScalarAsync<string>("select actor from audit.entries where action = 'personal.read' and target = $1 order by seq desc limit 1", $"dossier:{id}"));

        // The document comes back as sent, its download audited too.
        var download = await registrar.GetAsync(document.GetProperty("href").GetString());
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(document.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal(document.GetProperty("sizeBytes").GetInt64(), bytes.Length);
        Assert.Equal(1L, await hub.ScalarAsync<long>("select count(*) from audit.entries where action = 'dossier.document-downloaded' and target = $1", $"dossier:{id}"));
    }

    [Fact]
    public async Task each_unit_sees_its_own_dossiers_the_tax_authority_only_those_sent_to_it()
    {
        hub.Time.At("2026-02-12T10:00:00");
        using var shop = hub.As("one-stop-shop");
        var id = (await DossiersHubFixture.JsonAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", DossiersHubFixture.TransferDossier("BN-UNIT-1")))).GetProperty("id").GetGuid();
        var elsewhere = await TestPrincipals.CreateAccountAsync(hub.Database.ConnectionString, "registrar-elsewhere", "snnmt-dn", ["registrar-head"]);
        using var other = hub.CreateClientWithToken(TestPrincipals.Token($"account:{elsewhere}"));
        using var registrar = hub.As("registrar");
        using var tax = hub.As("tax");

        // An office of another unit: as if the dossier did not exist, in every read and step.
        await Problems.AssertProblemAsync(await other.GetAsync($"/api/v1/dossiers/{id}"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await other.GetAsync($"/api/v1/dossiers/{id}/applicant"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await other.GetAsync($"/api/v1/dossiers/{id}/steps"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await DossiersHubFixture.StepAsync(other, id, "accept"), HttpStatusCode.NotFound);
        Assert.DoesNotContain(id.ToString(), await other.GetStringAsync("/api/v1/dossiers"), StringComparison.Ordinal);
        Assert.Contains(id.ToString(), await registrar.GetStringAsync("/api/v1/dossiers"), StringComparison.Ordinal);

        // The tax authority sees it once it is sent there.
        await Problems.AssertProblemAsync(await tax.GetAsync($"/api/v1/dossiers/{id}"), HttpStatusCode.NotFound);
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "accept"));
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "send-to-tax"));
        Assert.Equal("waiting-for-financial-obligation", (await DossiersHubFixture.JsonAsync(await tax.GetAsync($"/api/v1/dossiers/{id}"))).GetProperty("state").GetString());
    }

    [Fact]
    public async Task only_the_one_stop_shop_may_send_dossiers()
    {
        using var registrar = hub.As("registrar");
        await Problems.AssertProblemAsync(await registrar.PostAsJsonAsync("/api/v1/dossiers", DossiersHubFixture.TransferDossier("BN-X")), HttpStatusCode.Forbidden);
        using var anonymous = hub.CreateAnonymousClient();
        await Problems.AssertProblemAsync(await anonymous.PostAsJsonAsync("/api/v1/dossiers", new JsonObject()), HttpStatusCode.Unauthorized);
    }
}
