using DataHub.Api.Infrastructure.Html;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.Reports;

/// <summary>What every report endpoint shares: its day in Viet Nam, the f and locale parameters, and the four renderings of a report.</summary>
internal static class ReportOutput
{
    /// <summary>Today where the figures are reported (UTC+7, no daylight saving).</summary>
    public static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().ToOffset(TimeSpan.FromHours(7)).DateTime);

    /// <summary>The format asked for (json when neither f nor the Accept header asks for HTML); bad f or locale values are reported to <paramref name="fail"/>.</summary>
    public static string Format(HttpRequest request, string? f, string? locale, Action<string, string> fail)
    {
        var format = (f ?? (request.WantsHtml() ? "html" : "json")).ToLowerInvariant();
        if (format is not ("json" or "csv" or "xlsx" or "html"))
        {
            fail("f", $"Unknown format '{f}'. Formats: json, csv, xlsx, html.");
        }
        if (locale is not null && locale != "vi")
        {
            fail("locale", $"Unknown locale '{locale}'; 'vi' is the one offered (CSV with semicolons and decimal commas).");
        }
        return format;
    }

    public static IActionResult Render(HttpRequest request, Report report, string format, string? locale) => format switch
    {
        "csv" => new ReportCsvResult(report, locale == "vi"),
        "xlsx" => new ReportXlsxResult(report),
        "html" => ReportPages.Page(request, report),
        _ => new JsonResult(report, ReportJson.Options),
    };
}
