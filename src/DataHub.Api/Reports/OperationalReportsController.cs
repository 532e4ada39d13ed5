using System.Globalization;
using Asp.Versioning;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.Reports;

/// <summary>
/// Operational statistics over months: dossiers on time and late, special-request sharing,
/// partner deliveries. Each needs the right of the people who run that work, not data.read.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/reports")]
[Tags("Reports")]
public sealed class OperationalReportsController(OperationalReports reports, TimeProvider time) : ControllerBase
{
    /// <summary>Longest period asked at once: ten years of month lines.</summary>
    public const int MaxMonths = 120;

    /// <summary>Land dossiers received, finished on time or late, rejected, and still open (in time or overdue).</summary>
    /// <param name="from">First month (yyyy-mm); default 11 months before `to`.</param>
    /// <param name="to">Last month (yyyy-mm), not after this month; default this month.</param>
    /// <param name="by">Lines: month (default), procedure, unit (the commune the dossier is for) or office (the processing office).</param>
    /// <param name="units">With by=unit or office: new (default) today's units, old the units as received (before the 2025 reorganisation).</param>
    /// <param name="f">json (default), csv, xlsx or html.</param>
    /// <param name="locale">vi: CSV with semicolons and decimal commas.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("dossiers", Name = "GetDossierStatistics")]
    [ChecksOwnQuery]
    [Authorize(Policy = Permissions.DossiersRead)]
    [ProducesResponseType<Report>(StatusCodes.Status200OK, "application/json", "text/csv", ReportXlsxResult.ContentType, "text/html")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public Task<IActionResult> GetDossierStatistics([FromQuery] string? from, [FromQuery] string? to, [FromQuery] string? by,
        [FromQuery] string? units, [FromQuery] string? f, [FromQuery] string? locale, CancellationToken ct) =>
        ComputeAsync(OperationalReport.Dossiers, from, to, by, units, f, locale, ct);

    /// <summary>Special-request sharing: requests filed and decided, days to a decision, overdue requests, grants, reads through grants.</summary>
    /// <param name="from">First month (yyyy-mm); default 11 months before `to`.</param>
    /// <param name="to">Last month (yyyy-mm), not after this month; default this month.</param>
    /// <param name="by">Lines: month (default), dataset or unit (the requesting unit; for grants and reads the grantee).</param>
    /// <param name="units">With by=unit: new (default) today's organisations, old the units as they filed (before the 2025 reorganisation).</param>
    /// <param name="f">json (default), csv, xlsx or html.</param>
    /// <param name="locale">vi: CSV with semicolons and decimal commas.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("sharing", Name = "GetSharingStatistics")]
    [ChecksOwnQuery]
    [Authorize(Policy = Permissions.RequestsManage)]
    [ProducesResponseType<Report>(StatusCodes.Status200OK, "application/json", "text/csv", ReportXlsxResult.ContentType, "text/html")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public Task<IActionResult> GetSharingStatistics([FromQuery] string? from, [FromQuery] string? to, [FromQuery] string? by,
        [FromQuery] string? units, [FromQuery] string? f, [FromQuery] string? locale, CancellationToken ct) =>
        ComputeAsync(OperationalReport.Sharing, from, to, by, units, f, locale, ct);

    /// <summary>Partner deliveries through the outbox: queued, delivered, dead-lettered, pending, lag, time to delivery, tries.</summary>
    /// <param name="from">First month (yyyy-mm); default 11 months before `to`.</param>
    /// <param name="to">Last month (yyyy-mm), not after this month; default this month.</param>
    /// <param name="by">Lines: target (default) or month.</param>
    /// <param name="f">json (default), csv, xlsx or html.</param>
    /// <param name="locale">vi: CSV with semicolons and decimal commas.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet("deliveries", Name = "GetDeliveryStatistics")]
    [ChecksOwnQuery]
    [Authorize(Policy = Permissions.OperationsManage)]
    [ProducesResponseType<Report>(StatusCodes.Status200OK, "application/json", "text/csv", ReportXlsxResult.ContentType, "text/html")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public Task<IActionResult> GetDeliveryStatistics([FromQuery] string? from, [FromQuery] string? to, [FromQuery] string? by,
        [FromQuery] string? f, [FromQuery] string? locale, CancellationToken ct) =>
        ComputeAsync(OperationalReport.Deliveries, from, to, by, null, f, locale, ct);

    private async Task<IActionResult> ComputeAsync(OperationalReport report, string? from, string? to, string? by, string? units,
        string? f, string? locale, CancellationToken ct)
    {
        HashSet<string> parameters = report.HasUnits ? ["from", "to", "by", "units", "f", "locale"] : ["from", "to", "by", "f", "locale"];
        var errors = new Dictionary<string, string[]>();
        void Fail(string parameter, string message) => errors[parameter] = [.. errors.GetValueOrDefault(parameter) ?? [], message];
        foreach (var name in Request.Query.Keys.Where(k => !parameters.Contains(k)))
        {
            Fail(name, $"Unknown parameter '{name}'. Parameters: {string.Join(", ", parameters)}.");
        }
        var today = ReportOutput.Today(time);
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        var last = Month("to", to, thisMonth) ?? thisMonth;
        var first = Month("from", from, last.AddMonths(-11)) ?? last.AddMonths(-11);
        if (!errors.ContainsKey("to") && last > thisMonth)
        {
            Fail("to", $"{OperationalReport.Month(last)} is in the future; the last month is {OperationalReport.Month(thisMonth)}.");
        }
        if (!errors.ContainsKey("from") && !errors.ContainsKey("to"))
        {
            if (first > last)
            {
                Fail("from", $"{OperationalReport.Month(first)} is after to ({OperationalReport.Month(last)}).");
            }
            else if ((last.Year - first.Year) * 12 + last.Month - first.Month + 1 > MaxMonths)
            {
                Fail("from", $"The period from {OperationalReport.Month(first)} to {OperationalReport.Month(last)} is longer than {MaxMonths} months.");
            }
        }
        var lines = (by ?? report.Bys[0]).ToLowerInvariant();
        if (!report.Bys.Contains(lines))
        {
            Fail("by", $"Unknown lines '{by}'. This report is by {string.Join(", ", report.Bys)}.");
        }
        var unitSet = (units ?? "new").ToLowerInvariant();
        if (unitSet is not ("old" or "new"))
        {
            Fail("units", $"'{units}' is neither 'old' (units as recorded, before the 2025 reorganisation) nor 'new' (today's units).");
        }
        var format = ReportOutput.Format(Request, f, locale, Fail);
        if (errors.Count > 0)
        {
            return this.Invalid(errors);
        }

        // Units matter only where the lines are units; elsewhere the report says 'new' whatever was asked.
        var query = new OperationalQuery(first, last, lines, report.UnitBys.Contains(lines) ? unitSet : "new", today);
        var result = await reports.ComputeAsync(report, query, ct);
        return ReportOutput.Render(Request, result, format, locale);

        DateOnly? Month(string parameter, string? value, DateOnly fallback)
        {
            if (value is null)
            {
                return fallback;
            }
            if (DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month) && month.Year >= 1900)
            {
                return month;
            }
            Fail(parameter, $"'{value}' is not a month (yyyy-mm).");
            return null;
        }
    }
}
