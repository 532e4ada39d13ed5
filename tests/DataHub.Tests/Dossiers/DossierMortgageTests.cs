using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Dossiers;

/// <summary>
/// A mortgage registration (1.011441, 3 working days, no tax stage) around the 2025 swapped days:
/// Saturday 26 April was a working day for Friday 2 May.
/// </summary>
public sealed class DossierMortgageTests(DossiersHubFixture hub) : IClassFixture<DossiersHubFixture>
{
    private static JsonObject MortgageDossier(string number, string receivedAt) => new()
    {
        ["dossierNumber"] = number,
        ["procedureCode"] = "1.011441",
        ["receivedAt"] = receivedAt,
        ["channel"] = "online",
        ["communeCode"] = "26500",
        ["applicant"] = new JsonObject { ["fullName"] = "Lê Văn Cũ", ["idKind"] = "CCCD", ["idNumber"] = "079000000001" },
        ["certificates"] = new JsonArray("DA 100001"),
        ["form"] = new JsonObject
        {
            ["certificateSerial"] = "DA 100001",
            ["mortgagee"] = "Ngân hàng TMCP Ví Dụ, chi nhánh Đồng Nai",
            ["contract"] = new JsonObject { ["number"] = "HĐTC-2025-77", ["signedOn"] = "2025-04-23", ["securedAmountVnd"] = 500000000 },
        },
    };

    [Fact]
    public async Task a_swapped_working_saturday_counts_and_the_days_off_around_30_april_do_not()
    {
        using var shop = hub.As("one-stop-shop");
        hub.Time.At("2025-04-24T10:00:00");
        // Thursday 24 April + 3 working days: Friday 25, Saturday 26 (worked), Monday 28.
        var early = await DossiersHubFixture.JsonAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", MortgageDossier("BN-TC-1", "2025-04-24T08:00:00+07:00")));
        Assert.Equal("2025-04-28", early.GetProperty("dueOn").GetString());

        // Tuesday 29 April + 3: 30 April, 1 May (holidays), 2 May (day off), the weekend, then 5, 6, 7 May.
        hub.Time.At("2025-04-29T10:00:00");
        var late = await DossiersHubFixture.JsonAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", MortgageDossier("BN-TC-2", "2025-04-29T08:00:00+07:00")));
        Assert.Equal("2025-05-07", late.GetProperty("dueOn").GetString());
    }

    [Fact]
    public async Task a_mortgage_is_approved_without_a_tax_stage_and_registered_on_the_certificate_by_the_dossier()
    {
        using var shop = hub.As("one-stop-shop");
        using var registrar = hub.As("registrar");
        using var head = hub.As("head");
        hub.Time.At("2025-06-02T10:00:00");
        var id = (await DossiersHubFixture.JsonAsync(await shop.PostAsJsonAsync("/api/v1/dossiers", MortgageDossier("BN-TC-3", "2025-06-02T08:00:00+07:00"))))
            .GetProperty("id").GetGuid();
        await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(registrar, id, "accept"));
        var noTax = await Problems.AssertProblemAsync(await DossiersHubFixture.StepAsync(registrar, id, "send-to-tax"), HttpStatusCode.Conflict);
        Assert.DoesNotContain("send-to-tax", noTax.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains("approve", noTax.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()));
        // Approving needs dossiers.approve: the officer may not, the head may.
        await Problems.AssertProblemAsync(await DossiersHubFixture.StepAsync(registrar, id, "approve"), HttpStatusCode.Forbidden);
        var dossier = await DossiersHubFixture.JsonAsync(await DossiersHubFixture.StepAsync(head, id, "approve"));
        Assert.Equal("mortgage", dossier.GetProperty("result").GetProperty("kind").GetString());
        Assert.Equal($"dossier:{id}", await hub.ScalarAsync<string>("""
            select m.written_by from land.mortgages m join land.certificates c on c.id = m.certificate_id
            where c.serial = 'DA 100001' and m.mortgagee like 'Ngân hàng TMCP Ví Dụ%'
            """));
        Assert.Equal(0L, await hub.ScalarAsync<long>("select count(*) from dossiers.messages where dossier_id = $1 and target = 'tax-authority'", id));
    }
}
