using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace DataHub.Tests.Reports;

/// <summary>
/// The forms' figures against sums computed here, in plain SQL over the land tables (not through
/// the reports schema), on the seeded province, before and after the 2025 unit change.
/// </summary>
public sealed class LandStatisticsReportTests(ReportsHubFixture hub) : IClassFixture<ReportsHubFixture>
{
    // The parcel's user type: the type of its first user link, as the forms count it.
    private const string FirstUser = """
        first_user as (
          select pu.parcel_id, u.user_type_code
          from land.parcel_users pu join personal.land_users u on u.id = pu.land_user_id
          where pu.id = (select min(x.id) from land.parcel_users x where x.parcel_id = pu.parcel_id))
        """;

    private Task<Dictionary<(string, string), decimal>> ByPurposeAndUserTypeAsync(string date) => hub.PairsAsync($"""
        with {FirstUser}
        select lu.purpose_code, coalesce(fu.user_type_code, 'KXD'), sum(lu.area_m2)
        from land.parcels p join land.land_uses lu on lu.parcel_id = p.id left join first_user fu on fu.parcel_id = p.id
        where p.registered_on <= $1::date group by 1, 2
        """, date);

    // New units straight from the succession table (the sample has one step: old commune -> merged commune).
    private Task<Dictionary<(string, string), decimal>> ByUnitAsync(string date, bool newUnits) => hub.PairsAsync($"""
        select {(newUnits ? "coalesce(s.new_code, p.commune_code)" : "coalesce(p.old_commune_code, p.commune_code)")}, lu.purpose_code, sum(lu.area_m2)
        from land.parcels p join land.land_uses lu on lu.parcel_id = p.id
        left join ref.admin_unit_successions s on s.old_code = p.commune_code
        where p.registered_on <= $1::date group by 1, 2
        """, date);

    [Fact]
    public async Task the_seeded_province_crosses_the_2025_unit_change()
    {
        Assert.True(await hub.ScalarAsync<long>("select count(*) from land.parcels where registered_on >= '2025-07-01' and old_commune_code is not null") > 5);
        Assert.True(await hub.ScalarAsync<long>("select count(*) from land.parcels where registered_on < '2025-07-01'") > 500);
    }

    [Fact]
    public async Task form_01_at_the_end_of_2024_by_old_units_equals_the_sums_of_the_land_uses()
    {
        await hub.RebuildFactsAsync();
        var report = await hub.ReportAsync("01-tkkk", "date=2024-12-31&units=old");
        Assert.Equal("01/TKKK", report.GetProperty("form").GetString());
        Assert.Equal(await ByPurposeAndUserTypeAsync("2024-12-31"), report.NonZeroComputed());
        Assert.Equal(await hub.ScalarAsync<decimal>("select sum(lu.area_m2) from land.parcels p join land.land_uses lu on lu.parcel_id = p.id where p.registered_on <= '2024-12-31'"),
            report.Cell("TOTAL", "TOTAL").Computed());
        // Codes of 2018 still in the data (DDT, GDC) are lines and columns, marked as no longer valid.
        Assert.Contains(report.GetProperty("columns").EnumerateArray(), c => c.GetProperty("key").GetString() == "GDC" && !c.GetProperty("validOnDate").GetBoolean());
    }

    [Fact]
    public async Task form_01_sets_each_figure_beside_the_stored_one_and_flags_those_that_differ()
    {
        var report = await hub.ReportAsync("01-tkkk", "date=2024-12-31&units=old");
        Assert.Equal(2024, report.GetProperty("stored").GetProperty("year").GetInt32());
        var stored = await hub.PairsAsync("select purpose_code, user_type_code, sum(area_m2) from land.statistics where year = 2024 group by 1, 2");
        var flagged = 0;
        foreach (var ((line, column), cell) in report.DetailCells())
        {
            var expected = stored.GetValueOrDefault((line, column));
            Assert.Equal(expected, cell.GetProperty("stored").GetDecimal());
            Assert.Equal(cell.Computed() - expected, cell.GetProperty("difference").GetDecimal());
            var differs = Math.Abs(cell.Computed() - expected) >= 0.05m;
            Assert.Equal(differs, cell.GetProperty("flagged").GetBoolean());
            flagged += differs ? 1 : 0;
        }
        // The sample nudges a few stored figures by 0.4 %: there are differences to flag, and not everywhere.
        Assert.InRange(flagged, 1, stored.Count / 2);
        Assert.True(report.GetProperty("flagged").GetInt32() >= 1);
    }

    [Fact]
    public async Task form_03_aggregates_the_same_land_by_old_communes_and_by_the_merged_ones()
    {
        var today = ReportsHubFixture.Today;
        var byNew = await hub.ReportAsync("03-tkkk", $"date={today}&units=new");
        var byOld = await hub.ReportAsync("03-tkkk", $"date={today}&units=old");
        Assert.Equal(await ByUnitAsync(today, newUnits: true), byNew.NonZeroComputed());
        Assert.Equal(await ByUnitAsync(today, newUnits: false), byOld.NonZeroComputed());

        // Parcels registered after the merger under a new commune count under their old commune in the old-unit report.
        var successions = (await hub.PairsAsync("select old_code, new_code, 0::numeric from ref.admin_unit_successions where old_code <> '70'")).Keys.ToList();
        Assert.All(Lines(byOld, 2), unit => Assert.Contains(unit, successions.Select(s => s.Item1)));
        Assert.All(Lines(byNew, 2), unit => Assert.Contains(unit, successions.Select(s => s.Item2)));
        Assert.Equal(byOld.Cell("TOTAL", "TOTAL").Computed(), byNew.Cell("TOTAL", "TOTAL").Computed());
        Assert.Equal(100, Lines(byOld, 2).Count);
        Assert.Equal(25, Lines(byNew, 2).Count);
        // Old communes sit under their districts, new ones under the province.
        Assert.Contains("689", Lines(byOld, 1));
        Assert.Equal(["75"], Lines(byNew, 1));
    }

    [Fact]
    public async Task the_2024_inventory_re_aggregated_onto_the_new_communes_compares_stored_and_computed_per_new_commune()
    {
        var report = await hub.ReportAsync("03-tkkk", "date=2024-12-31&units=new");
        var stored = await hub.PairsAsync("""
            select s.new_code, st.purpose_code, sum(st.area_m2) from land.statistics st
            join ref.admin_unit_successions s on s.old_code = st.unit_code where st.year = 2024 group by 1, 2
            """);
        Assert.Equal(await ByUnitAsync("2024-12-31", newUnits: true), report.NonZeroComputed());
        foreach (var ((line, column), cell) in report.DetailCells())
        {
            Assert.Equal(stored.GetValueOrDefault((line, column)), cell.GetProperty("stored").GetDecimal());
        }
    }

    [Fact]
    public async Task a_unit_narrows_the_report_to_what_lies_under_it()
    {
        var commune = await hub.ScalarAsync<string>("select min(new_code) from ref.admin_unit_successions where new_code like '265%'");
        var oneCommune = await hub.ReportAsync("03-tkkk", $"date={ReportsHubFixture.Today}&units=new&unit={commune}");
        Assert.Equal([commune], Lines(oneCommune, 2));
        Assert.Equal(commune, oneCommune.GetProperty("unit").GetString());
        Assert.False(string.IsNullOrEmpty(oneCommune.GetProperty("unitName").GetString()));

        // A district of the old province: its communes, and the 01/TKKK total is their sum.
        var district = await hub.ReportAsync("03-tkkk", "date=2024-12-31&units=old&unit=689");
        var communes = (await hub.PairsAsync("select code, parent_code, 0::numeric from ref.admin_units where parent_code = '689'")).Keys.Select(k => k.Item1).ToHashSet();
        Assert.NotEmpty(Lines(district, 2));
        Assert.All(Lines(district, 2), c => Assert.Contains(c, communes));
        var form01 = await hub.ReportAsync("01-tkkk", "date=2024-12-31&units=old&unit=689");
        Assert.Equal(district.Cell("TOTAL", "TOTAL").Computed(), form01.Cell("TOTAL", "TOTAL").Computed());
    }

    [Fact]
    public async Task form_02_counts_land_users_and_parcels_by_type()
    {
        var today = ReportsHubFixture.Today;
        var report = await hub.ReportAsync("02-tkkk", $"date={today}&units=new");
        var users = await hub.PairsAsync("""
            select u.user_type_code, 'USERS', count(distinct u.id)::numeric from land.parcel_users pu
            join personal.land_users u on u.id = pu.land_user_id join land.parcels p on p.id = pu.parcel_id
            where p.registered_on <= $1::date group by 1
            """, today);
        var parcels = await hub.PairsAsync($"""
            with {FirstUser}
            select fu.user_type_code, 'PARCELS', count(*)::numeric from land.parcels p join first_user fu on fu.parcel_id = p.id
            where p.registered_on <= $1::date group by 1
            """, today);
        foreach (var ((type, column), expected) in users.Concat(parcels))
        {
            Assert.Equal(expected, report.Cell(type, column).Computed());
        }
        Assert.Equal(await hub.ScalarAsync<long>("select count(*) from land.parcels"), (long)report.Cell("TOTAL", "PARCELS").Computed());
        var areas = await ByPurposeAndUserTypeAsync(today);
        Assert.Equal(areas.Values.Sum(), report.Cell("TOTAL", "TOTAL").Computed());
        Assert.Equal(areas.Where(a => a.Key.Item2 == "UBQ").Sum(a => a.Value), report.Cell("UBQ", "TOTAL").Computed());
    }

    [Fact]
    public async Task the_figures_are_the_same_computed_live_and_read_from_the_facts()
    {
        await hub.DropFactsAsync();
        var live = await hub.ReportAsync("01-tkkk", "date=2025-06-30&units=new");
        await hub.RebuildFactsAsync();
        var fromFacts = await hub.ReportAsync("01-tkkk", "date=2025-06-30&units=new");
        Assert.Equal(live.NonZeroComputed(), fromFacts.NonZeroComputed());
        Assert.Equal(await ByPurposeAndUserTypeAsync("2025-06-30"), fromFacts.NonZeroComputed());
    }

    [Theory]
    [InlineData("date=2025-06-30&units=new")]
    [InlineData("date=2024-12-31&units=old")]
    public async Task form_02_is_the_same_computed_live_and_read_from_the_facts(string query)
    {
        await hub.DropFactsAsync();
        var live = await hub.ReportAsync("02-tkkk", query);
        await hub.RebuildFactsAsync();
        var fromFacts = await hub.ReportAsync("02-tkkk", query);
        Assert.Equal(live.NonZeroComputed(), fromFacts.NonZeroComputed());
        Assert.Contains(fromFacts.NonZeroComputed(), c => c.Key.Item2 == "USERS");
    }

    [Fact]
    public async Task the_xlsx_export_opens_and_holds_the_same_numbers()
    {
        var report = await hub.ReportAsync("01-tkkk", "date=2024-12-31&units=old");
        var response = await hub.CreateClient().GetAsync("/api/v1/reports/01-tkkk?date=2024-12-31&units=old&f=xlsx");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        await using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        using var workbook = SpreadsheetDocument.Open(stream, false);
        var part = workbook.WorkbookPart!;
        var names = part.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value).ToList();
        Assert.Equal(["Tính từ CSDL", "Số liệu đã báo cáo", "Chênh lệch"], names);

        var rows = Rows(part, 0);
        var header = rows[3];
        Assert.Equal("Mã", header[0]);
        Assert.Equal("Loại đất", header[1]);
        Assert.StartsWith("Tổng số", header[2], StringComparison.Ordinal);
        var columns = report.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("key").GetString()!).ToList();
        var lines = report.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(lines.Count, rows.Count - 4);
        for (var i = 0; i < lines.Count; i++)
        {
            var row = rows[i + 4];
            Assert.Equal(lines[i].GetProperty("key").GetString(), row[0]);
            for (var j = 0; j < columns.Count; j++)
            {
                Assert.Equal(lines[i].GetProperty("cells")[j].Computed(), decimal.Parse(row[j + 2], NumberStyles.Float, CultureInfo.InvariantCulture));
            }
        }
        // The stored and difference sheets hold the stored figures and the differences.
        var stored = Rows(part, 1);
        var difference = Rows(part, 2);
        Assert.Equal(report.Cell("TOTAL", "TOTAL").GetProperty("stored").GetDecimal(), decimal.Parse(stored[4][2], CultureInfo.InvariantCulture));
        Assert.Equal(report.Cell("TOTAL", "TOTAL").GetProperty("difference").GetDecimal(), decimal.Parse(difference[4][2], NumberStyles.Float, CultureInfo.InvariantCulture));
        // Areas carry a number format with one decimal.
        Assert.Contains(part.WorkbookStylesPart!.Stylesheet.NumberingFormats!.Elements<NumberingFormat>(), f => f.FormatCode!.Value == "#,##0.0");
    }

    [Fact]
    public async Task the_csv_export_has_vietnamese_headers_and_one_line_per_figure()
    {
        var report = await hub.ReportAsync("03-tkkk", "date=2024-12-31&units=new");
        var response = await hub.CreateClient().GetAsync("/api/v1/reports/03-tkkk?date=2024-12-31&units=new&f=csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF');
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.StartsWith("Biểu,Ngày số liệu,Đơn vị hành chính,Mã dòng,Tên dòng", lines[0], StringComparison.Ordinal);
        Assert.Equal(report.GetProperty("lines").GetArrayLength() * report.GetProperty("columns").GetArrayLength(), lines.Count - 1);
        var total = lines.First(l => l.StartsWith("03/TKKK,2024-12-31,mới,TOTAL,Tổng cộng,0,TOTAL,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(report.Cell("TOTAL", "TOTAL").Computed(), decimal.Parse(total[9], CultureInfo.InvariantCulture));

        // In Vietnamese: semicolons and decimal commas.
        var vi = await hub.CreateClient().GetStringAsync("/api/v1/reports/03-tkkk?date=2024-12-31&units=new&f=csv&locale=vi");
        var viTotal = vi.Split('\n').First(l => l.StartsWith("03/TKKK;2024-12-31;mới;TOTAL;Tổng cộng;0;TOTAL;", StringComparison.Ordinal)).Split(';');
        Assert.Equal(report.Cell("TOTAL", "TOTAL").Computed(), decimal.Parse(viTotal[9], CultureInfo.GetCultureInfo("vi-VN")));
    }

    [Theory]
    [InlineData("01-tkkk?date=2024-13-01", "date")]
    [InlineData("01-tkkk?date=2999-01-01", "date")]
    [InlineData("01-tkkk?units=middle", "units")]
    [InlineData("01-tkkk?unit=99999", "unit")]
    [InlineData("01-tkkk?f=pdf", "f")]
    [InlineData("01-tkkk?colour=red", "colour")]
    public async Task a_bad_query_is_a_400_naming_the_parameter(string query, string parameter)
    {
        var response = await hub.CreateClient().GetAsync($"/api/v1/reports/{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
    }

    [Fact]
    public async Task an_unknown_report_is_a_404_and_the_list_names_the_three_forms_and_the_operational_reports_the_caller_may_read()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await hub.CreateClient().GetAsync("/api/v1/reports/09-tkkk")).StatusCode);
        var list = JsonDocument.Parse(await hub.CreateClient().GetStringAsync("/api/v1/reports")).RootElement;
        // The test operator holds no dossier right: no dossier statistics.
        Assert.Equal(["01-tkkk", "02-tkkk", "03-tkkk", "sharing", "deliveries"], list.GetProperty("reports").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
    }

    private static List<string> Lines(JsonElement report, int level) =>
        report.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("line").GetProperty("level").GetInt32() == level)
            .Select(l => l.GetProperty("key").GetString()!).ToList();

    /// <summary>The sheet's rows as text, cell by cell in order (the writer writes every cell).</summary>
    private static List<List<string>> Rows(WorkbookPart part, int sheet)
    {
        var id = part.Workbook.Sheets!.Elements<Sheet>().ElementAt(sheet).Id!.Value!;
        var worksheet = ((WorksheetPart)part.GetPartById(id)).Worksheet;
        return worksheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(c =>
            c.DataType?.Value == CellValues.InlineString ? c.InlineString!.InnerText
            : c.DataType?.Value == CellValues.SharedString ? part.SharedStringTablePart!.SharedStringTable.ElementAt(int.Parse(c.CellValue!.Text, CultureInfo.InvariantCulture)).InnerText
            : c.CellValue?.Text ?? c.InnerText).ToList()).ToList();
    }
}
