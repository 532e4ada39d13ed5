using System.Text.Json.Serialization;

namespace DataHub.Api.Reports;

/// <summary>A report's line or column: a code of a code list, a group of codes, a unit or a total.</summary>
/// <param name="Key">The code (LUC, NNP, 26500, ...) or "TOTAL".</param>
/// <param name="LabelVi">The label in Vietnamese (the forms' language).</param>
/// <param name="LabelEn">The label in English.</param>
/// <param name="Level">0 the grand total, 1 a group (subtotal), 2 a detail line.</param>
/// <param name="Details">The detail codes the line or column adds up (not serialised).</param>
/// <param name="Kind">What the column holds: "area" (m²), "count", "percent", "days" or "minutes"; lines leave it null.</param>
/// <param name="ValidOnDate">False for a code no longer (or not yet) valid on the report's date but present in the data.</param>
public sealed record ReportAxis(
    string Key, string LabelVi, string LabelEn, int Level,
    [property: JsonIgnore] IReadOnlySet<string> Details,
    string? Kind = null, bool? ValidOnDate = null);

/// <summary>
/// One figure: computed from the land database, the stored (reported) figure beside it, their
/// difference, and whether it is flagged. Stored is null where nothing is stored to compare with.
/// </summary>
public sealed record ReportCell(decimal Computed, decimal? Stored, decimal? Difference, bool Flagged);

public sealed record ReportLine(ReportAxis Line, IReadOnlyList<ReportCell> Cells)
{
    public string Key => Line.Key;
}

/// <summary>The stored figures a report was compared with.</summary>
public sealed record StoredFigures(int Year, string AsAt, IReadOnlyList<string> Sources);

/// <summary>The months an operational report covers (yyyy-mm, both included) and what its lines are.</summary>
public sealed record ReportPeriod(string From, string To, string By);

/// <summary>What the page's chart draws: these columns of the detail lines, stacked or side by side.</summary>
public sealed record ReportChart(IReadOnlyList<string> Columns, bool Stacked, string AxisVi);

/// <summary>
/// A report as computed: lines × columns of cells, with what it was computed for. A land
/// statistics form describes a date; an operational report (Period set) the months of a period,
/// as known at the end of Date. Flagged counts the detail lines with at least one figure that
/// differs from the stored one.
/// </summary>
public sealed record Report(
    string Id, string Form, string TitleVi, string TitleEn, string Date, string Units, string? Unit, string? UnitName,
    StoredFigures? Stored, IReadOnlyList<ReportAxis> Columns, IReadOnlyList<ReportLine> Lines, int Flagged,
    string LineHeadingVi, string LineHeadingEn, bool Spatial, ReportPeriod? Period = null, ReportChart? Chart = null);
