using System.Globalization;
using DataHub.Api.Infrastructure.Auth;

namespace DataHub.Api.Reports;

/// <summary>
/// What an operational report is asked for: the months from From to To (first days, both
/// included), what the lines are (By), old or new units, and today in the province (open
/// dossiers, pending messages and overdue requests are counted as they stand today).
/// </summary>
public sealed record OperationalQuery(DateOnly From, DateOnly To, string By, string Units, DateOnly Today)
{
    /// <summary>The first day after the period.</summary>
    public DateOnly Until => To.AddMonths(1);
}

/// <summary>A column of an operational report: what it counts, in Vietnamese and English, and its kind (count, percent, days, minutes).</summary>
public sealed record OperationalColumn(string Key, string LabelVi, string LabelEn, string Kind);

/// <summary>
/// An operational report: who may read it, what its lines may be (the first is the default),
/// whether old or new units apply, its columns and its chart.
/// </summary>
public sealed record OperationalReport(string Id, string Form, string TitleVi, string TitleEn, string DescriptionEn, string Permission,
    IReadOnlyList<string> Bys, IReadOnlyList<string> UnitBys, IReadOnlyList<OperationalColumn> Columns, ReportChart Chart)
{
    public bool HasUnits => UnitBys.Count > 0;

    public static readonly OperationalReport Dossiers = new("dossiers", "Hồ sơ TTHC",
        "Tình hình giải quyết hồ sơ thủ tục hành chính về đất đai",
        "Land dossiers on time and late", "Dossiers received, finished on time or late, rejected, and still open (in time or overdue), by procedure, unit or month.",
        Permissions.DossiersRead, ["month", "procedure", "unit", "office"], ["unit", "office"],
        [
            new("RECEIVED", "Số hồ sơ tiếp nhận", "Received", "count"),
            new("ON_TIME", "Đã giải quyết đúng hạn", "Finished on time", "count"),
            new("LATE", "Đã giải quyết quá hạn", "Finished late", "count"),
            new("ON_TIME_RATE", "Tỷ lệ giải quyết đúng hạn", "Share finished on time", "percent"),
            new("REJECTED", "Từ chối, rút hồ sơ", "Rejected or withdrawn", "count"),
            new("OPEN_IN_TIME", "Đang giải quyết, trong hạn", "Open, in time", "count"),
            new("OPEN_OVERDUE", "Đang giải quyết, quá hạn", "Open, overdue", "count"),
        ],
        new(["ON_TIME", "LATE", "OPEN_IN_TIME", "OPEN_OVERDUE"], true, "hồ sơ"));

    public static readonly OperationalReport Sharing = new("sharing", "Chia sẻ theo yêu cầu",
        "Tình hình cung cấp, chia sẻ dữ liệu theo yêu cầu",
        "Special-request sharing", "Requests filed, approved and refused, days to a decision, requests overdue, grants made, reads through grants and records read, by month, dataset or unit.",
        Permissions.RequestsManage, ["month", "dataset", "unit"], ["unit"],
        [
            new("FILED", "Số yêu cầu đã gửi", "Requests filed", "count"),
            new("APPROVED", "Số yêu cầu chấp thuận", "Approved", "count"),
            new("REFUSED", "Số yêu cầu từ chối", "Refused", "count"),
            new("DECISION_DAYS", "Thời gian trung bình đến khi quyết định", "Average time to a decision", "days"),
            new("OPEN_OVERDUE", "Chưa quyết định, quá hạn", "Undecided past the decision deadline", "count"),
            new("GRANTS", "Số quyền truy cập đã cấp", "Grants made", "count"),
            new("READS", "Số lượt đọc qua quyền được cấp", "Reads through grants", "count"),
            new("RECORDS", "Số bản ghi đã đọc", "Records read", "count"),
        ],
        new(["FILED", "APPROVED", "REFUSED", "GRANTS"], false, "yêu cầu"));

    public static readonly OperationalReport Deliveries = new("deliveries", "Gửi dữ liệu cho đối tác",
        "Tình hình gửi dữ liệu cho các hệ thống đối tác",
        "Partner deliveries", "Messages queued, delivered, dead-lettered and still pending, the age of the oldest pending one, the time to delivery and the tries, by target or month.",
        Permissions.OperationsManage, ["target", "month"], [],
        [
            new("CREATED", "Số thông điệp phát sinh", "Messages queued", "count"),
            new("SENT", "Đã gửi thành công", "Delivered", "count"),
            new("FAILED", "Gửi lỗi (ngừng gửi)", "Dead-lettered", "count"),
            new("PENDING", "Đang chờ gửi", "Pending", "count"),
            new("LAG_MINUTES", "Độ trễ (thông điệp chờ lâu nhất)", "Lag (age of the oldest pending message)", "minutes"),
            new("DELIVERY_MINUTES", "Thời gian gửi trung bình", "Average time to delivery", "minutes"),
            new("ATTEMPTS", "Số lần thử gửi", "Tries", "count"),
        ],
        new(["SENT", "FAILED", "PENDING"], true, "thông điệp"));

    public static readonly IReadOnlyList<OperationalReport> All = [Dossiers, Sharing, Deliveries];

    /// <summary>Vietnamese and English names of what the lines are.</summary>
    public (string Vi, string En) Heading(string by) => by switch
    {
        "unit" when Id == "sharing" => ("Đơn vị yêu cầu, được cấp quyền", "Requesting (grantee) unit"),
        "month" => ("Tháng", "Month"),
        "procedure" => ("Thủ tục hành chính", "Procedure"),
        "unit" => ("Đơn vị hành chính", "Administrative unit"),
        "office" => ("Cơ quan giải quyết", "Processing office"),
        "dataset" => ("Bộ dữ liệu", "Dataset"),
        "target" => ("Hệ thống nhận", "Receiving system"),
        _ => (by, by),
    };

    public static string Month(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
