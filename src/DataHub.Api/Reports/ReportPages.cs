using System.Globalization;
using DataHub.Api.Infrastructure.Html;

namespace DataHub.Api.Reports;

/// <summary>
/// The reports as pages: the table is rendered here, the charts and the map are drawn by
/// report.js from the JSON of the same URL (the CSP allows no inline script).
/// </summary>
public static class ReportPages
{
    private static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    public static HtmlResult Index(HttpRequest request, ReportList list)
    {
        var html = new HtmlBuilder();
        html.Append($"""
            <h1>Reports <span class="vi" lang="vi">Báo cáo, thống kê</span></h1>
            <p>Land statistics in the structure of the official forms, computed from the land database for any date and for old or new administrative units, beside the stored statistics; and operational statistics by month (dossiers, special-request sharing, partner deliveries). Listed are those your rights let you read.</p>
            <table class="list"><thead><tr><th scope="col">Form</th><th scope="col">Report</th><th scope="col">Downloads</th></tr></thead><tbody>
            """);
        foreach (var r in list.Reports)
        {
            var page = $"{request.PathBase}/api/v1/reports/{r.Id}";
            html.Append($"""
                <tr><td><a href="{page}?f=html">{r.Form}</a></td>
                <td><a href="{page}?f=html">{r.Title}</a><br><span class="vi" lang="vi">{r.TitleVi}</span><br>{r.Description}</td>
                <td><a href="{page}?f=json">JSON</a> · <a href="{page}?f=csv">CSV</a> · <a href="{page}?f=xlsx">XLSX</a></td></tr>
                """);
        }
        html.Append($"</tbody></table>");
        return HtmlLayout.Page(request, "Reports", [new("DataHub", HtmlUrls.Landing(request)), new("Reports")], HtmlUrls.Json(request), html.ToHtml());
    }

    public static HtmlResult Page(HttpRequest request, Report report)
    {
        var self = $"{request.PathBase}/api/v1/reports/{report.Id}";
        var parameters = report.Period is { } period
            ? new Dictionary<string, string?> { ["from"] = period.From, ["to"] = period.To, ["by"] = period.By, ["units"] = ReportText.UnitsMatter(report) ? report.Units : null }
            : new Dictionary<string, string?> { ["date"] = report.Date, ["units"] = report.Units, ["unit"] = report.Unit };
        string Link(string format, string? locale = null)
        {
            var query = new Dictionary<string, string?>(parameters) { ["f"] = format, ["locale"] = locale };
            return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(self, query.Where(q => q.Value is not null)!);
        }
        var html = new HtmlBuilder();
        if (report.Period is { } p)
        {
            Operational(html, self, report, p);
        }
        else
        {
            html.Append($"""
                <h1>{report.Form} <span class="vi" lang="vi">{report.TitleVi}</span></h1>
                <p>{report.TitleEn}. Figures as at the end of {report.Date}, by {(report.Units == "old" ? "the units before the 2025 reorganisation" : "today's administrative units")}{(report.Unit is { } u ? $", under {u} {report.UnitName}" : "")}.</p>
                <form class="report-query" method="get" action="{self}">
                <label>Date <input type="date" name="date" value="{report.Date}" required></label>
                <label>Units <select name="units">
                <option value="new"{Selected(report.Units == "new")}>new (today's)</option>
                <option value="old"{Selected(report.Units == "old")}>old (before 1 July 2025)</option>
                </select></label>
                <label>Unit code <input type="text" name="unit" value="{report.Unit ?? ""}" placeholder="all" size="8"></label>
                <input type="hidden" name="f" value="html">
                <button type="submit" class="button">Compute</button>
                </form>
                """);
        }
        html.Append($"""
            <p class="downloads">Download: <a href="{Link("csv")}">CSV</a> · <a href="{Link("csv", "vi")}">CSV (Excel, tiếng Việt)</a> · <a href="{Link("xlsx")}">XLSX</a> · <a href="{Link("json")}">JSON</a></p>
            """);
        if (report.Period is { } covered)
        {
            html.Append($"""<p id="comparison" class="summary">From {covered.From} to {covered.To} by {report.LineHeadingEn.ToLowerInvariant()}, as known at the end of {report.Date}. Open dossiers, pending messages and undecided requests are counted as they stand today.</p>""");
        }
        else if (report.Stored is { } stored)
        {
            html.Append($"""
                <p id="comparison" class="{(report.Flagged > 0 ? "flagged-summary" : "summary")}">Compared with the stored figures of {stored.Year} (as at {stored.AsAt}; {string.Join(", ", stored.Sources)}): {report.Flagged.ToString(CultureInfo.InvariantCulture)} line(s) differ by {LandReports.Tolerance.ToString(CultureInfo.InvariantCulture)} m² or more; their cells are marked.</p>
                """);
        }
        else
        {
            html.Append($"""<p id="comparison" class="summary">No stored figures of {(report.Date.EndsWith("-12-31", StringComparison.Ordinal) ? report.Date[..4] : (int.Parse(report.Date[..4], CultureInfo.InvariantCulture) - 1).ToString(CultureInfo.InvariantCulture))} to compare with.</p>""");
        }
        html.Append($"""
            <div class="chart"><canvas id="chart" role="img" aria-label="Chart of {report.TitleEn}"></canvas></div>
            """);
        if (report.Spatial)
        {
            html.Append($"""<div id="map" class="map" role="img" aria-label="The units on a map, shaded by area"></div>""");
        }
        html.Append($"""
            <div class="scroll"><table id="report" class="list report"><thead><tr><th scope="col">Mã</th><th scope="col">{report.LineHeadingVi}<br><span class="vi">{report.LineHeadingEn}</span></th>
            """);
        foreach (var column in report.Columns)
        {
            html.Append($"""<th scope="col" class="num level{column.Level.ToString(CultureInfo.InvariantCulture)}" title="{column.LabelEn}">{column.LabelVi}<br><span class="vi">{ReportText.Measure(column)}</span></th>""");
        }
        html.Append($"</tr></thead><tbody>");
        foreach (var line in report.Lines)
        {
            var level = line.Line.Level.ToString(CultureInfo.InvariantCulture);
            html.Append($"""<tr class="level{level}" data-key="{line.Key}"><td>{line.Key}</td><th scope="row" title="{line.Line.LabelEn}">{line.Line.LabelVi}{(line.Line.ValidOnDate == false ? " (mã hết hiệu lực)" : "")}</th>""");
            for (var i = 0; i < report.Columns.Count; i++)
            {
                var cell = line.Cells[i];
                var text = report.Columns[i].Kind == "count" ? cell.Computed.ToString("#,##0", Vietnamese) : cell.Computed.ToString("#,##0.0", Vietnamese);
                if (cell.Flagged)
                {
                    html.Append($"""<td class="num flagged" data-column="{report.Columns[i].Key}" title="Đã báo cáo: {cell.Stored?.ToString("#,##0.0", Vietnamese)} · chênh lệch: {cell.Difference?.ToString("+#,##0.0;-#,##0.0", Vietnamese)}">{text}</td>""");
                }
                else
                {
                    html.Append($"""<td class="num" data-column="{report.Columns[i].Key}">{text}</td>""");
                }
            }
            html.Append($"</tr>");
        }
        html.Append($"</tbody></table></div>");
        return HtmlLayout.Page(request, report.Form,
            [new("DataHub", HtmlUrls.Landing(request)), new("Reports", $"{request.PathBase}/api/v1/reports?f=html"), new(report.Form)],
            Link("json"), html.ToHtml(), "report.js", charts: true);
    }

    /// <summary>The title and query form of an operational report: the months, what the lines are, old or new units where they are units.</summary>
    private static void Operational(HtmlBuilder html, string self, Report report, ReportPeriod period)
    {
        var definition = OperationalReport.All.First(r => r.Id == report.Id);
        html.Append($"""
            <h1>{report.TitleEn} <span class="vi" lang="vi">{report.TitleVi}</span></h1>
            <p>{definition.DescriptionEn}</p>
            <form class="report-query" method="get" action="{self}">
            <label>From <input type="month" name="from" value="{period.From}" required></label>
            <label>To <input type="month" name="to" value="{period.To}" required></label>
            <label>Lines <select name="by">
            """);
        foreach (var by in definition.Bys)
        {
            html.Append($"""<option value="{by}"{Selected(period.By == by)}>{definition.Heading(by).En}</option>""");
        }
        html.Append($"</select></label>");
        if (definition.HasUnits)
        {
            html.Append($"""
                <label>Units (lines by unit) <select name="units">
                <option value="new"{Selected(report.Units == "new")}>new (today's)</option>
                <option value="old"{Selected(report.Units == "old")}>old (as recorded, before 1 July 2025)</option>
                </select></label>
                """);
        }
        html.Append($"""
            <input type="hidden" name="f" value="html">
            <button type="submit" class="button">Compute</button>
            </form>
            """);
    }

    private static RawHtml Selected(bool selected) => new(selected ? " selected" : "");
}
