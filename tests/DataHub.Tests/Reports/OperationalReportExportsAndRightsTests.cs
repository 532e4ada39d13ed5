using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using DataHub.Tests.Infrastructure;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace DataHub.Tests.Reports;

/// <summary>The operational reports' CSV and XLSX read back equal their JSON; bad queries are 400s naming the parameter; each report needs its own right.</summary>
public sealed class OperationalReportExportsAndRightsTests(OperationalReportsHubFixture hub) : IClassFixture<OperationalReportsHubFixture>
{
    [Theory]
    [InlineData("dossiers", "from=2025-01&to=2026-06&by=unit&units=old")]
    [InlineData("sharing", "from=2025-01&to=2026-06&by=dataset")]
    [InlineData("deliveries", "from=2025-05&to=2026-06&by=month")]
    public async Task the_csv_export_holds_every_figure_of_the_json_under_vietnamese_headers(string id, string query)
    {
        var report = await hub.OperationalAsync(id, query);
        var response = await hub.CreateClient().GetAsync($"/api/v1/reports/{id}?{query}&f=csv&locale=vi");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"{id}_", response.Content.Headers.ContentDisposition?.FileName, StringComparison.Ordinal);
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF');
        var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split(';')).ToList();
        Assert.Equal(["Báo cáo", "Từ tháng", "Đến tháng", "Số liệu đến ngày", "Đơn vị hành chính", "Mã dòng", "Tên dòng", "Cấp dòng",
            "Mã cột", "Tên cột", "Đơn vị tính", "Số liệu"], rows[0]);
        var vietnamese = CultureInfo.GetCultureInfo("vi-VN");
        var figures = rows.Skip(1).ToDictionary(r => (r[5], r[8]), r => decimal.Parse(r[11], NumberStyles.Float, vietnamese));
        var expected = Figures(report);
        Assert.Equal(expected.Count, figures.Count);
        Assert.Equal(expected, figures);
        Assert.Contains(rows.Skip(1), r => r[10] == "số lượng");
    }

    [Theory]
    [InlineData("dossiers", "from=2025-01&to=2026-06&by=procedure")]
    [InlineData("sharing", "from=2025-01&to=2026-06&by=unit&units=new")]
    [InlineData("deliveries", "from=2025-05&to=2026-06&by=target")]
    public async Task the_xlsx_export_opens_and_holds_the_same_numbers_with_their_formats(string id, string query)
    {
        var report = await hub.OperationalAsync(id, query);
        var response = await hub.CreateClient().GetAsync($"/api/v1/reports/{id}?{query}&f=xlsx");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        using var workbook = SpreadsheetDocument.Open(stream, false);
        var part = workbook.WorkbookPart!;
        Assert.Equal(["Tính từ CSDL"], part.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value));
        var rows = Workbooks.Rows(part, 0);
        Assert.Equal(report.GetProperty("titleVi").GetString(), rows[0][0]);
        Assert.Contains("từ tháng", rows[1][0], StringComparison.Ordinal);
        var columns = report.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("key").GetString()!).ToList();
        var lines = report.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(lines.Count, rows.Count - 4);
        var figures = new Dictionary<(string, string), decimal>();
        for (var i = 0; i < lines.Count; i++)
        {
            for (var j = 0; j < columns.Count; j++)
            {
                figures[(rows[i + 4][0], columns[j])] = decimal.Parse(rows[i + 4][j + 2], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }
        Assert.Equal(Figures(report), figures);
        var formats = part.WorkbookStylesPart!.Stylesheet.NumberingFormats!.Elements<NumberingFormat>().Select(f => f.FormatCode!.Value).ToList();
        Assert.Contains("#,##0", formats);
        Assert.Contains("#,##0.0", formats);
    }

    private static Dictionary<(string, string), decimal> Figures(JsonElement report)
    {
        var columns = report.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("key").GetString()!).ToList();
        var figures = new Dictionary<(string, string), decimal>();
        foreach (var line in report.GetProperty("lines").EnumerateArray())
        {
            for (var i = 0; i < columns.Count; i++)
            {
                figures[(line.GetProperty("key").GetString()!, columns[i])] = line.GetProperty("cells")[i].Computed();
            }
        }
        return figures;
    }

    [Theory]
    [InlineData("dossiers?from=2025-13", "from")]
    [InlineData("dossiers?from=2025-06&to=2025-01", "from")]
    [InlineData("dossiers?from=2000-01&to=2025-01", "from")]
    [InlineData("dossiers?to=2999-01", "to")]
    [InlineData("dossiers?to=june", "to")]
    [InlineData("dossiers?by=dataset", "by")]
    [InlineData("dossiers?units=middle", "units")]
    [InlineData("sharing?by=procedure", "by")]
    [InlineData("sharing?f=pdf", "f")]
    [InlineData("sharing?locale=en", "locale")]
    [InlineData("deliveries?units=old", "units")]
    [InlineData("deliveries?date=2025-01-01", "date")]
    public async Task a_bad_query_is_a_400_problem_naming_the_parameter(string query, string parameter)
    {
        var response = await hub.CreateClient().GetAsync($"/api/v1/reports/{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
    }

    [Theory]
    [InlineData("one-stop-shop", "dossiers")]
    [InlineData("land-registrar", "dossiers")]
    [InlineData("department-admin", "01-tkkk,02-tkkk,03-tkkk,sharing,deliveries")]
    [InlineData("reader", "01-tkkk,02-tkkk,03-tkkk")]
    [InlineData("auditor", "")]
    public async Task each_role_reads_and_is_listed_only_the_reports_of_its_rights(string role, string allowed)
    {
        var id = await TestPrincipals.CreateAccountAsync(hub.Database.ConnectionString, $"ops-{role}", "snnmt-dn", [role]);
        var client = hub.CreateClientWithToken(TestPrincipals.Token($"account:{id}"));
        var may = allowed.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var list = JsonDocument.Parse(await client.GetStringAsync("/api/v1/reports")).RootElement;
        Assert.Equal(may.Order(), list.GetProperty("reports").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).Order());
        foreach (var report in (string[])["dossiers", "sharing", "deliveries", "01-tkkk"])
        {
            var response = await client.GetAsync($"/api/v1/reports/{report}?f=json");
            Assert.Equal(may.Contains(report) ? HttpStatusCode.OK : HttpStatusCode.Forbidden, response.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await hub.CreateAnonymousClient().GetAsync("/api/v1/reports/dossiers")).StatusCode);
    }

    [Fact]
    public async Task no_figure_names_a_person()
    {
        // Lines are months, procedures, units, datasets and targets; never an applicant, an actor or an account.
        foreach (var (id, by) in ((string, string)[])[("dossiers", "procedure"), ("dossiers", "unit"), ("dossiers", "office"), ("sharing", "unit"), ("sharing", "dataset"), ("deliveries", "target")])
        {
            var text = await hub.CreateClient().GetStringAsync($"/api/v1/reports/{id}?from=2025-01&to=2026-06&by={by}&f=csv");
            Assert.DoesNotContain("account:", text, StringComparison.Ordinal);
            Assert.DoesNotContain("client:", text, StringComparison.Ordinal);
            // The seeded steps, requests and reads were all taken by the actor 'test': no line is theirs.
            Assert.DoesNotContain("test", text.Split('\n').Skip(1).Where(l => l.Length > 0).SelectMany(l => l.Split(',').Skip(5).Take(2)));
        }
    }
}

/// <summary>Reading a workbook back with the Open XML SDK, independent of the writer.</summary>
internal static class Workbooks
{
    /// <summary>The sheet's rows as text, cell by cell in order (the writer writes every cell).</summary>
    public static List<List<string>> Rows(WorkbookPart part, int sheet)
    {
        var id = part.Workbook.Sheets!.Elements<Sheet>().ElementAt(sheet).Id!.Value!;
        var worksheet = ((WorksheetPart)part.GetPartById(id)).Worksheet;
        return worksheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(c =>
            c.DataType?.Value == CellValues.InlineString ? c.InlineString!.InnerText
            : c.DataType?.Value == CellValues.SharedString ? part.SharedStringTablePart!.SharedStringTable.ElementAt(int.Parse(c.CellValue!.Text, CultureInfo.InvariantCulture)).InnerText
            : c.CellValue?.Text ?? c.InnerText).ToList()).ToList();
    }
}
