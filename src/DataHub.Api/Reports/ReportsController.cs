using System.Globalization;
using Asp.Versioning;
using DataHub.Api.Collections;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Html;
using DataHub.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.Reports;

public sealed record ReportListEntry(string Id, string Form, string Title, [property: System.Text.Json.Serialization.JsonPropertyName("title_vi")] string TitleVi,
    string Description, bool Spatial, IReadOnlyList<OgcLink> Links);

public sealed record ReportList(IReadOnlyList<ReportListEntry> Reports, IReadOnlyList<OgcLink> Links);

/// <summary>
/// Land statistics in the structure of the official forms, computed from the land database for
/// any date and for old or new administrative units, beside the stored statistics.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/reports")]
[Tags("Reports")]
public sealed class ReportsController(LandReports reports, TimeProvider time) : ControllerBase
{
    private static readonly HashSet<string> Parameters = ["date", "units", "unit", "f", "locale"];

    /// <summary>The reports the hub computes that the caller may read (land forms: data.read; dossiers: dossiers.read; sharing: requests.manage; deliveries: operations.manage).</summary>
    [HttpGet(Name = "GetReports")]
    [Authorize(Policy = Permissions.SignedIn)]
    [ProducesResponseType<ReportList>(StatusCodes.Status200OK, "application/json", "text/html")]
    public ActionResult<ReportList> GetReports()
    {
        var self = OgcLinks.Base(Request) + Request.Path;
        List<OgcLink> Links(string id, string form) =>
        [
            new($"{self}/{id}", "item", OgcLinks.Json, $"{form} as JSON"),
            new($"{self}/{id}?f=html", "alternate", OgcLinks.Html, $"{form} as a page with charts"),
            new($"{self}/{id}?f=csv", "alternate", OgcLinks.Csv, $"{form} as CSV"),
            new($"{self}/{id}?f=xlsx", "alternate", ReportXlsxResult.ContentType, $"{form} as XLSX"),
        ];
        var list = new ReportList(
            [
                .. User.Has(Permissions.DataRead)
                    ? ReportForm.All.Select(f => new ReportListEntry(f.Id, f.Form, f.TitleEn, f.TitleVi, f.DescriptionEn, f.Spatial, Links(f.Id, f.Form)))
                    : [],
                .. OperationalReport.All.Where(r => User.Has(r.Permission))
                    .Select(r => new ReportListEntry(r.Id, r.Form, r.TitleEn, r.TitleVi, r.DescriptionEn, false, Links(r.Id, r.TitleEn))),
            ],
            [new(self, "self", OgcLinks.Json, "The reports"), new($"{self}?f=html", "alternate", OgcLinks.Html, "The reports as HTML")]);
        return Request.WantsHtml() ? ReportPages.Index(Request, list) : list;
    }

    /// <summary>
    /// One form computed as at the end of a date: each figure from the land database beside the
    /// stored figure of the same key (the year whose 31 December is the last on or before the
    /// date), differences flagged.
    /// </summary>
    /// <param name="reportId">01-tkkk (land type × user type), 02-tkkk (users and managers) or 03-tkkk (by administrative unit).</param>
    /// <param name="date">The date the figures describe (yyyy-mm-dd, at the end of that day); default today. Not in the future.</param>
    /// <param name="units">old: the communes parcels were registered under before the 2025 reorganisation; new (default): today's units.</param>
    /// <param name="unit">A unit code (commune, district or province): only what lies under it.</param>
    /// <param name="f">json (default), csv, xlsx or html.</param>
    /// <param name="locale">vi: CSV with semicolons and decimal commas, as Excel in Vietnamese expects.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("{reportId}", Name = "GetReport")]
    [ChecksOwnQuery]
    [Authorize(Policy = Permissions.DataRead)]
    [ProducesResponseType<Report>(StatusCodes.Status200OK, "application/json", "text/csv", ReportXlsxResult.ContentType, "text/html")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetReport(string reportId, [FromQuery] string? date, [FromQuery] string? units,
        [FromQuery] string? unit, [FromQuery] string? f, [FromQuery] string? locale, CancellationToken ct)
    {
        if (ReportForm.Find(reportId) is not { } form)
        {
            return Problem(statusCode: 404, title: "Unknown report",
                detail: $"There is no report '{reportId}'. The reports are listed at /api/v1/reports.");
        }
        var errors = new Dictionary<string, string[]>();
        void Fail(string parameter, string message) => errors[parameter] = [.. errors.GetValueOrDefault(parameter) ?? [], message];
        foreach (var name in Request.Query.Keys.Where(k => !Parameters.Contains(k)))
        {
            Fail(name, $"Unknown parameter '{name}'. Parameters: {string.Join(", ", Parameters)}.");
        }
        var today = ReportOutput.Today(time);
        var day = today;
        if (date is not null && !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            Fail("date", $"'{date}' is not a date (yyyy-mm-dd).");
        }
        else if (day > today)
        {
            Fail("date", $"{day:yyyy-MM-dd} is in the future; the land database describes {today:yyyy-MM-dd} at the latest.");
        }
        else if (day.Year < 1900)
        {
            Fail("date", "Dates before 1900 are not covered.");
        }
        var unitSet = (units ?? "new").ToLowerInvariant();
        if (unitSet is not ("old" or "new"))
        {
            Fail("units", $"'{units}' is neither 'old' (units before the 2025 reorganisation) nor 'new' (today's units).");
        }
        var format = ReportOutput.Format(Request, f, locale, Fail);
        if (unit is { Length: 0 })
        {
            unit = null;
        }
        if (unit is not null && errors.Count == 0 && !await reports.UnitExistsAsync(unit, ct))
        {
            Fail("unit", $"'{unit}' is not the code of an administrative unit (see /api/v1/collections/admin-units/items).");
        }
        if (errors.Count > 0)
        {
            return this.Invalid(errors);
        }

        var report = await reports.ComputeAsync(form, new ReportQuery(day, unitSet, unit), ct);
        return ReportOutput.Render(Request, report, format, locale);
    }
}

public static class ReportJson
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new(FeatureCollectionResult.JsonOptions);
}
