using System.Drawing;
using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.AspNetCore.Mvc;
using SpreadCheetah;
using SpreadCheetah.Styling;
using SpreadCheetah.Worksheets;

namespace DataHub.Api.Reports;

/// <summary>Headers and labels of the exports, in Vietnamese (the forms' language).</summary>
internal static class ReportText
{
    public static string UnitsVi(string units) => units == "old" ? "đơn vị hành chính cũ (trước 01/7/2025)" : "đơn vị hành chính mới (hiện hành)";

    /// <summary>Whether the lines are units, so that old or new units make a difference.</summary>
    public static bool UnitsMatter(Report report) => report.Period is not { } p || p.By is "unit" or "office";

    public static string FileName(Report report, string extension) => report.Period is { } p
        ? $"{report.Id}_{p.From}_{p.To}_{p.By}{(UnitsMatter(report) ? "_" + report.Units : "")}.{extension}"
        : $"{report.Id}_{report.Date}_{report.Units}{(report.Unit is { } u ? "_" + u : "")}.{extension}";

    public static string Measure(ReportAxis column) => column.Kind switch
    {
        "count" => "số lượng",
        "percent" => "%",
        "days" => "ngày",
        "minutes" => "phút",
        _ => "m²",
    };

    /// <summary>The Excel number format of a column: whole counts, one decimal for the rest.</summary>
    public static string Format(ReportAxis column) => column.Kind switch
    {
        "count" => "#,##0",
        "percent" => "0.0",
        _ => "#,##0.0",
    };

    /// <summary>A figure as text in a culture: counts whole, the rest with at least one decimal.</summary>
    public static string Figure(ReportAxis column, decimal value, NumberFormatInfo numbers) =>
        column.Kind == "count" ? value.ToString("0", numbers) : value.ToString("0.0##", numbers);

    public static string Title(Report report) => report.Period is null ? $"Biểu {report.Form}" : report.TitleVi;

    public static string Heading(Report report)
    {
        var date = DateOnly.ParseExact(report.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
        if (report.Period is { } p)
        {
            static string MonthVi(string month) => $"{month[5..]}/{month[..4]}";
            return $"{report.TitleVi}: từ tháng {MonthVi(p.From)} đến tháng {MonthVi(p.To)}, theo {report.LineHeadingVi.ToLower(CultureInfo.GetCultureInfo("vi-VN"))}" +
                (UnitsMatter(report) ? $" ({UnitsVi(report.Units)})" : "") + $". Số liệu đến ngày {date}.";
        }
        return $"Biểu {report.Form}: {report.TitleVi}. Số liệu đến ngày {date}, theo {UnitsVi(report.Units)}" +
            (report.Unit is { } unit ? $", đơn vị {unit}{(report.UnitName is { } name ? " " + name : "")}" : "") + ".";
    }
}

/// <summary>
/// The report as CSV, one line per figure (line, column, computed, stored, difference, flag),
/// written to the response as it goes. locale=vi writes what Excel set to Vietnamese opens as
/// numbers: semicolons between fields and a decimal comma.
/// </summary>
public sealed class ReportCsvResult(Report report, bool vietnamese) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var http = context.HttpContext;
        var ct = http.RequestAborted;
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{ReportText.FileName(report, "csv")}\"";
        var culture = vietnamese ? CultureInfo.GetCultureInfo("vi-VN") : CultureInfo.InvariantCulture;
        // A byte-order mark: Excel reads the file as UTF-8 only with one, and the headers are Vietnamese.
        await using var text = new StreamWriter(http.Response.Body, new UTF8Encoding(true), 64 * 1024);
        await using var csv = CsvWriter.Create(text, new CsvWriterOptions { Separator = vietnamese ? ';' : ',' }, false);
        var numbers = culture.NumberFormat;
        if (report.Period is { } period)
        {
            await OperationalAsync(csv, period, numbers, ct);
            return;
        }
        foreach (var header in (string[])["Biểu", "Ngày số liệu", "Đơn vị hành chính", "Mã dòng", "Tên dòng", "Cấp dòng", "Mã cột", "Tên cột",
                     "Đơn vị tính", "Số liệu tính từ CSDL", "Số liệu đã báo cáo", "Chênh lệch", "Khác biệt"])
        {
            csv.WriteField(header);
        }
        await csv.EndRecordAsync(ct);
        string Number(decimal? value) => value is { } v ? v.ToString("0.0##", numbers) : "";
        foreach (var line in report.Lines)
        {
            for (var i = 0; i < report.Columns.Count; i++)
            {
                var column = report.Columns[i];
                var cell = line.Cells[i];
                csv.WriteField(report.Form);
                csv.WriteField(report.Date);
                csv.WriteField(report.Units == "old" ? "cũ" : "mới");
                csv.WriteField(line.Key);
                csv.WriteField(line.Line.LabelVi);
                csv.WriteField(line.Line.Level.ToString(CultureInfo.InvariantCulture));
                csv.WriteField(column.Key);
                csv.WriteField(column.LabelVi);
                csv.WriteField(ReportText.Measure(column));
                csv.WriteField(column.Kind == "count" ? cell.Computed.ToString("0", numbers) : Number(cell.Computed));
                csv.WriteField(Number(cell.Stored));
                csv.WriteField(Number(cell.Difference));
                csv.WriteField(cell.Flagged ? "có" : "");
                await csv.EndRecordAsync(ct);
            }
        }
    }

    /// <summary>An operational report: its period instead of a date, one figure per line and column, nothing stored to compare.</summary>
    private async Task OperationalAsync(CsvWriter csv, ReportPeriod period, NumberFormatInfo numbers, CancellationToken ct)
    {
        foreach (var header in (string[])["Báo cáo", "Từ tháng", "Đến tháng", "Số liệu đến ngày", "Đơn vị hành chính", "Mã dòng", "Tên dòng", "Cấp dòng",
                     "Mã cột", "Tên cột", "Đơn vị tính", "Số liệu"])
        {
            csv.WriteField(header);
        }
        await csv.EndRecordAsync(ct);
        foreach (var line in report.Lines)
        {
            for (var i = 0; i < report.Columns.Count; i++)
            {
                var column = report.Columns[i];
                csv.WriteField(report.TitleVi);
                csv.WriteField(period.From);
                csv.WriteField(period.To);
                csv.WriteField(report.Date);
                csv.WriteField(ReportText.UnitsMatter(report) ? (report.Units == "old" ? "cũ" : "mới") : "");
                csv.WriteField(line.Key);
                csv.WriteField(line.Line.LabelVi);
                csv.WriteField(line.Line.Level.ToString(CultureInfo.InvariantCulture));
                csv.WriteField(column.Key);
                csv.WriteField(column.LabelVi);
                csv.WriteField(ReportText.Measure(column));
                csv.WriteField(ReportText.Figure(column, line.Cells[i].Computed, numbers));
                await csv.EndRecordAsync(ct);
            }
        }
    }
}

/// <summary>
/// The report as an XLSX workbook in the form's layout, written forward-only to the response
/// (SpreadCheetah): a sheet of the computed figures, one of the stored figures and one of the
/// differences, flagged cells filled. Areas carry the format #,##0.0 and counts #,##0, which
/// Excel shows with the reader's separators (1.234,5 in Vietnamese).
/// </summary>
public sealed class ReportXlsxResult(Report report) : IActionResult
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var http = context.HttpContext;
        var ct = http.RequestAborted;
        http.Response.ContentType = ContentType;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{ReportText.FileName(report, "xlsx")}\"";
        await using var body = new AsyncResponseStream(http.Response.Body);
        await using (var workbook = await Spreadsheet.CreateNewAsync(body, cancellationToken: ct))
        {
            var styles = new Styles(workbook);
            await SheetAsync(workbook, styles, "Tính từ CSDL",
                report.Period is null ? "Số liệu tính từ cơ sở dữ liệu đất đai" : "Số liệu tính từ cơ sở dữ liệu của hệ thống", c => c.Computed, ct);
            if (report.Stored is { } stored)
            {
                await SheetAsync(workbook, styles, "Số liệu đã báo cáo", $"Số liệu đã báo cáo năm {stored.Year} ({string.Join(", ", stored.Sources)})", c => c.Stored, ct);
                await SheetAsync(workbook, styles, "Chênh lệch", "Chênh lệch = số liệu tính từ CSDL − số liệu đã báo cáo; ô tô màu: khác biệt", c => c.Difference, ct);
            }
            await workbook.FinishAsync(ct);
        }
        await body.CompleteAsync(ct);
    }

    private sealed class Styles
    {
        public Styles(Spreadsheet workbook)
        {
            Title = workbook.AddStyle(new Style { Font = { Bold = true, Size = 13 } });
            Header = workbook.AddStyle(new Style { Font = { Bold = true }, Fill = { Color = Color.FromArgb(0xE8, 0xEE, 0xF4) }, Alignment = { WrapText = true } });
            Total = workbook.AddStyle(new Style { Font = { Bold = true } });
            foreach (var bold in (bool[])[false, true])
            {
                foreach (var flagged in (bool[])[false, true])
                {
                    foreach (var format in (string[])["#,##0", "#,##0.0", "0.0"])
                    {
                        var style = new Style { Font = { Bold = bold }, Format = NumberFormat.Custom(format) };
                        if (flagged)
                        {
                            style.Fill.Color = Color.FromArgb(0xFF, 0xD6, 0xD6);
                        }
                        Numbers[(bold, flagged, format)] = workbook.AddStyle(style);
                    }
                }
            }
        }

        public StyleId Title { get; }
        public StyleId Header { get; }
        public StyleId Total { get; }
        public Dictionary<(bool Bold, bool Flagged, string Format), StyleId> Numbers { get; } = [];
    }

    private async Task SheetAsync(Spreadsheet workbook, Styles styles, string name, string note, Func<ReportCell, decimal?> value, CancellationToken ct)
    {
        var options = new WorksheetOptions { FrozenColumns = 2, FrozenRows = 4 };
        options.Column(1).Width = 10;
        options.Column(2).Width = 44;
        for (var i = 0; i < report.Columns.Count; i++)
        {
            options.Column(i + 3).Width = 16;
        }
        await workbook.StartWorksheetAsync(name, options, ct);
        await workbook.AddRowAsync([new Cell(ReportText.Title(report), styles.Title)], ct);
        await workbook.AddRowAsync([new Cell(ReportText.Heading(report))], ct);
        await workbook.AddRowAsync([new Cell(note)], ct);
        var header = new List<Cell> { new("Mã", styles.Header), new(report.LineHeadingVi, styles.Header) };
        header.AddRange(report.Columns.Select(c => new Cell($"{c.LabelVi} ({ReportText.Measure(c)})", styles.Header)));
        await workbook.AddRowAsync(header, ct);
        foreach (var line in report.Lines)
        {
            var bold = line.Line.Level < 2;
            var row = new List<Cell>
            {
                bold ? new(line.Key, styles.Total) : new(line.Key),
                bold ? new(line.Line.LabelVi, styles.Total) : new(line.Line.LabelVi),
            };
            for (var i = 0; i < report.Columns.Count; i++)
            {
                var cell = line.Cells[i];
                var style = styles.Numbers[(bold, cell.Flagged, ReportText.Format(report.Columns[i]))];
                row.Add(value(cell) is { } v ? new Cell(v, style) : new Cell(""));
            }
            await workbook.AddRowAsync(row, ct);
        }
    }
}
