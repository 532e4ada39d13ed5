using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.Reports;

/// <summary>What a report is asked for: the date it describes, old or new units, optionally one unit and what is under it.</summary>
public sealed record ReportQuery(DateOnly Date, string Units, string? Unit)
{
    /// <summary>
    /// Stored figures describe 31 December of their year: the year compared is the last one
    /// whose 31 December is on or before the date.
    /// </summary>
    public int StoredYear => Date.Month == 12 && Date.Day == 31 ? Date.Year : Date.Year - 1;
}

/// <summary>The forms the hub computes.</summary>
public sealed record ReportForm(string Id, string Form, string TitleVi, string TitleEn, string DescriptionEn, bool Spatial)
{
    public static readonly ReportForm Form01 = new("01-tkkk", "01/TKKK",
        "Thống kê, kiểm kê diện tích đất đai theo loại đất và đối tượng sử dụng, quản lý",
        "Land area by land type and land user type", "Area of each land-use type (lines) by type of land user and land manager (columns).", false);

    public static readonly ReportForm Form02 = new("02-tkkk", "02/TKKK",
        "Thống kê, kiểm kê người sử dụng, quản lý đất",
        "Land users and land managers", "Number of land users, parcels and area held by each type of land user and manager.", false);

    public static readonly ReportForm Form03 = new("03-tkkk", "03/TKKK",
        "Thống kê, kiểm kê diện tích đất đai theo đơn vị hành chính",
        "Land area by administrative unit", "Area of each land group and land-use type (columns) in each administrative unit (lines).", true);

    public static readonly IReadOnlyList<ReportForm> All = [Form01, Form02, Form03];

    public static ReportForm? Find(string id) => All.FirstOrDefault(f => string.Equals(f.Id, id, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Computes the land statistics forms in PostgreSQL (reports.land_by_unit and friends, 0040) and
/// lays them out: lines and columns from the code lists and units in force on the date, each
/// cell beside the stored figure of the same key, differences flagged.
/// </summary>
public sealed class LandReports(NpgsqlDataSource dataSource)
{
    /// <summary>Stored figures are kept to 0.1 m²: anything at least half of that apart is a difference.</summary>
    public const decimal Tolerance = 0.05m;

    private const string NoUser = "KXD";

    private const string UnitFilter = "(@unit::text is null or x.unit_code in (select reports.units_under(@unit)))";

    public async Task<bool> UnitExistsAsync(string code, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select exists (select 1 from ref.admin_units where code = $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = code });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<Report> ComputeAsync(ReportForm form, ReportQuery query, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One snapshot for the computed and the stored figures and the labels.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        // Hash joins over the few parcels computed live, and the aggregates, fit in memory.
        await Execute(connection, transaction, "set local work_mem = '64MB'", ct);
        var codes = await CodesAsync(connection, transaction, query.Date, ct);
        var units = await UnitsAsync(connection, transaction, ct);
        var report = form.Id switch
        {
            "01-tkkk" => await Form01Async(connection, transaction, form, query, codes, ct),
            "02-tkkk" => await Form02Async(connection, transaction, form, query, codes, ct),
            _ => await Form03Async(connection, transaction, form, query, codes, units, ct),
        };
        await transaction.CommitAsync(ct);
        return report with { UnitName = query.Unit is { } u && units.TryGetValue(u, out var unit) ? unit.Name : null };
    }

    // ---- 01/TKKK: land types × user types -------------------------------------------------

    private static async Task<Report> Form01Async(NpgsqlConnection c, NpgsqlTransaction t, ReportForm form, ReportQuery q, CodeBook codes, CancellationToken ct)
    {
        var computed = await PairsAsync(c, t, $"""
            select x.purpose_code, coalesce(x.user_type_code, '{NoUser}'), sum(x.area_m2)
            from reports.land_by_unit(@date, @units) x where {UnitFilter} group by 1, 2
            """, q, ct);
        var (stored, sources) = await StoredPairsAsync(c, t, "x.purpose_code, x.user_type_code", q, ct);
        var lines = LandTypeAxis(codes, computed.Keys.Select(k => k.Item1).Concat(stored.Keys.Select(k => k.Item1)));
        var columns = UserTypeAxis(codes, computed.Keys.Select(k => k.Item2).Concat(stored.Keys.Select(k => k.Item2)), "area");
        return Build(form, q, lines, columns, computed, sources is null ? null : stored, sources, null, "Loại đất", "Land type");
    }

    // ---- 02/TKKK: users and managers by type ------------------------------------------------

    private static async Task<Report> Form02Async(NpgsqlConnection c, NpgsqlTransaction t, ReportForm form, ReportQuery q, CodeBook codes, CancellationToken ct)
    {
        // Area by (user type, land group): the same figures as 01/TKKK, totalled by group; and in
        // the same pass over the land (a second one cost about 1.5 s at a million parcels) the
        // parcels by user type, under an empty land type.
        var computed = new Dictionary<(string, string), decimal>();
        var parcels = new Dictionary<string, decimal>();
        foreach (var ((purpose, type), figure) in await PairsAsync(c, t, $"""
            select case when grouping(x.purpose) = 0 then x.purpose else '' end, x.type,
                   case when grouping(x.purpose) = 0 then sum(x.area_m2) else count(distinct x.parcel_id) end
            from (select x.purpose_code as purpose, coalesce(x.user_type_code, '{NoUser}') as type, x.area_m2, x.parcel_id
                  from reports.land_by_unit(@date, @units) x where {UnitFilter}) x
            group by grouping sets ((x.purpose, x.type), (x.type))
            """, q, ct))
        {
            if (purpose.Length == 0)
            {
                parcels[type] = figure;
            }
            else
            {
                Add(computed, (type, codes.GroupOf(purpose)), figure);
            }
        }
        var (storedByPurpose, sources) = await StoredPairsAsync(c, t, "x.purpose_code, x.user_type_code", q, ct);
        var stored = new Dictionary<(string, string), decimal>();
        foreach (var ((purpose, type), area) in storedByPurpose)
        {
            Add(stored, (type, codes.GroupOf(purpose)), area);
        }
        var users = await CountsAsync(c, t, $"""
            select x.user_type_code, count(distinct x.land_user_id)
            from reports.users_by_unit(@date, @units) x where {UnitFilter} group by 1
            """, q, ct);

        var lines = UserTypeAxis(codes, computed.Keys.Select(k => k.Item1).Concat(stored.Keys.Select(k => k.Item1)).Concat(users.Keys), null);
        var groups = codes.Ordered("land_use_group").Select(g => g.Code).ToList();
        List<ReportAxis> columns =
        [
            new("USERS", "Số người sử dụng, quản lý đất", "Land users and managers", 2, new HashSet<string>(), "count"),
            new("PARCELS", "Số thửa đất", "Parcels", 2, new HashSet<string>(), "count"),
            new("TOTAL", "Tổng diện tích", "Total area", 0, groups.ToHashSet(), "area"),
            .. codes.Ordered("land_use_group").Select(g => new ReportAxis(g.Code, g.LabelVi, g.LabelEn, 1, new HashSet<string> { g.Code }, "area")),
        ];
        var counts = new Dictionary<string, IReadOnlyDictionary<string, decimal>> { ["USERS"] = users, ["PARCELS"] = parcels };
        return Build(form, q, lines, columns, computed, sources is null ? null : stored, sources, counts, "Đối tượng sử dụng, quản lý", "Land user or manager type");
    }

    // ---- 03/TKKK: administrative units × land types -----------------------------------------

    private static async Task<Report> Form03Async(NpgsqlConnection c, NpgsqlTransaction t, ReportForm form, ReportQuery q, CodeBook codes,
        IReadOnlyDictionary<string, UnitInfo> units, CancellationToken ct)
    {
        var computed = await PairsAsync(c, t, $"""
            select x.unit_code, x.purpose_code, sum(x.area_m2)
            from reports.land_by_unit(@date, @units) x where {UnitFilter} group by 1, 2
            """, q, ct);
        var (stored, sources) = await StoredPairsAsync(c, t, "x.unit_code, x.purpose_code", q, ct);

        // Lines: the units, under their parent (district before 2025, province after), with subtotals.
        var present = computed.Keys.Select(k => k.Item1).Concat(stored.Keys.Select(k => k.Item1)).ToHashSet();
        var lines = new List<ReportAxis> { new("TOTAL", "Tổng cộng", "Total", 0, present) };
        foreach (var parent in present.GroupBy(u => units.TryGetValue(u, out var info) ? info.Parent ?? "" : "").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var name = units.TryGetValue(parent.Key, out var p) ? p.Name : "Không xác định đơn vị cấp trên";
            lines.Add(new ReportAxis(parent.Key == "" ? "?" : parent.Key, name, name, 1, parent.ToHashSet()));
            foreach (var unit in parent.Order(StringComparer.Ordinal))
            {
                var unitName = units.TryGetValue(unit, out var info) ? info.Name : unit;
                lines.Add(new ReportAxis(unit, unitName, unitName, 2, new HashSet<string> { unit }));
            }
        }
        // Columns: the land groups and the land types present (a form of every valid code would be 50 columns wide).
        var used = computed.Keys.Select(k => k.Item2).Concat(stored.Keys.Select(k => k.Item2)).ToHashSet();
        var columns = LandTypeAxis(codes, used, onlyPresent: true).Select(a => a with { Kind = "area" }).ToList();
        return Build(form, q, lines, columns, computed, sources is null ? null : stored, sources, null, "Đơn vị hành chính", "Administrative unit");
    }

    // ---- layout ---------------------------------------------------------------------------

    /// <summary>Total, then each land group and its types (valid on the date, or present in the figures).</summary>
    private static List<ReportAxis> LandTypeAxis(CodeBook codes, IEnumerable<string> present, bool onlyPresent = false)
    {
        var inData = present.ToHashSet();
        var groups = codes.Ordered("land_use_group").ToList();
        var axis = new List<ReportAxis>();
        var all = new HashSet<string>();
        var byGroup = new List<ReportAxis>();
        foreach (var group in groups.Append(new CodeInfo("land_use_group", "?", "Mã không có trong danh mục", "Codes not in the code list", null, true, int.MaxValue)))
        {
            var members = codes.Ordered("land_use_purpose").Where(p => (p.Parent ?? "?") == group.Code && (onlyPresent ? inData.Contains(p.Code) : p.Valid || inData.Contains(p.Code))).ToList();
            if (group.Code == "?")
            {
                members = inData.Where(code => !codes.Has("land_use_purpose", code)).Order(StringComparer.Ordinal)
                    .Select(code => new CodeInfo("land_use_purpose", code, code, code, "?", false, int.MaxValue)).ToList();
                if (members.Count == 0)
                {
                    continue;
                }
            }
            var details = members.Select(m => m.Code).ToHashSet();
            all.UnionWith(details);
            byGroup.Add(new ReportAxis(group.Code, group.LabelVi, group.LabelEn, 1, details));
            byGroup.AddRange(members.Select(m => new ReportAxis(m.Code, m.LabelVi, m.LabelEn, 2, new HashSet<string> { m.Code }, ValidOnDate: m.Valid)));
        }
        axis.Add(new ReportAxis("TOTAL", "Tổng diện tích", "Total area", 0, all));
        axis.AddRange(byGroup);
        return axis;
    }

    /// <summary>Total, then land users (NSD) and land managers (NQL) and their types, and parcels with no user.</summary>
    private static List<ReportAxis> UserTypeAxis(CodeBook codes, IEnumerable<string> present, string? kind)
    {
        var inData = present.ToHashSet();
        var axis = new List<ReportAxis>();
        var all = new HashSet<string>();
        var byGroup = new List<ReportAxis>();
        foreach (var group in codes.Ordered("land_user_group"))
        {
            var members = codes.Ordered("land_user_type").Where(u => u.Parent == group.Code && (u.Valid || inData.Contains(u.Code))).ToList();
            var details = members.Select(m => m.Code).ToHashSet();
            all.UnionWith(details);
            byGroup.Add(new ReportAxis(group.Code, group.LabelVi, group.LabelEn, 1, details, kind));
            byGroup.AddRange(members.Select(m => new ReportAxis(m.Code, m.LabelVi, m.LabelEn, 2, new HashSet<string> { m.Code }, kind, m.Valid)));
        }
        var unknown = inData.Where(code => code == NoUser || !codes.Has("land_user_type", code) || codes.Get("land_user_type", code)!.Parent is null).ToHashSet();
        if (unknown.Count > 0)
        {
            all.UnionWith(unknown);
            byGroup.Add(new ReportAxis(NoUser, "Chưa xác định người sử dụng, quản lý", "No land user or manager recorded", 1, unknown, kind));
        }
        axis.Add(new ReportAxis("TOTAL", "Tổng số", "Total", 0, all, kind));
        axis.AddRange(byGroup);
        return axis;
    }

    private static Report Build(ReportForm form, ReportQuery q, IReadOnlyList<ReportAxis> lines, IReadOnlyList<ReportAxis> columns,
        IReadOnlyDictionary<(string, string), decimal> computed, IReadOnlyDictionary<(string, string), decimal>? stored,
        IReadOnlyList<string>? sources, Dictionary<string, IReadOnlyDictionary<string, decimal>>? counts,
        string headingVi, string headingEn)
    {
        var flagged = 0;
        var result = new List<ReportLine>();
        foreach (var line in lines)
        {
            var cells = new List<ReportCell>();
            foreach (var column in columns)
            {
                if (counts is not null && counts.TryGetValue(column.Key, out var byLine))
                {
                    cells.Add(new ReportCell(line.Details.Sum(d => byLine.GetValueOrDefault(d)), null, null, false));
                    continue;
                }
                decimal Sum(IReadOnlyDictionary<(string, string), decimal> figures)
                {
                    var sum = 0m;
                    foreach (var l in line.Details)
                    {
                        foreach (var col in column.Details)
                        {
                            sum += figures.GetValueOrDefault((l, col));
                        }
                    }
                    return sum;
                }
                var value = Sum(computed);
                decimal? storedValue = stored is null ? null : Sum(stored);
                var difference = storedValue is { } s ? value - s : (decimal?)null;
                var flag = difference is { } d && Math.Abs(d) >= Tolerance;
                cells.Add(new ReportCell(value, storedValue, difference, flag));
            }
            // Counted once per detail line: the lines a reader has to look at.
            flagged += line.Level == 2 && cells.Any(c => c.Flagged) ? 1 : 0;
            result.Add(new ReportLine(line, cells));
        }
        var storedInfo = sources is null ? null
            : new StoredFigures(q.StoredYear, new DateOnly(q.StoredYear, 12, 31).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), sources);
        return new Report(form.Id, form.Form, form.TitleVi, form.TitleEn, q.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            q.Units, q.Unit, null, storedInfo, columns, result, flagged, headingVi, headingEn, form.Spatial);
    }

    private static void Add(Dictionary<(string, string), decimal> figures, (string, string) key, decimal value) =>
        figures[key] = figures.GetValueOrDefault(key) + value;

    // ---- SQL ------------------------------------------------------------------------------

    private static NpgsqlCommand Command(NpgsqlConnection c, NpgsqlTransaction t, string sql, ReportQuery q)
    {
        var command = new NpgsqlCommand(sql, c, t);
        command.Parameters.Add(new NpgsqlParameter("date", NpgsqlDbType.Date) { Value = q.Date });
        command.Parameters.Add(new NpgsqlParameter("units", NpgsqlDbType.Text) { Value = q.Units });
        command.Parameters.Add(new NpgsqlParameter("unit", NpgsqlDbType.Text) { Value = (object?)q.Unit ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("year", NpgsqlDbType.Integer) { Value = q.StoredYear });
        return command;
    }

    private static async Task<Dictionary<(string, string), decimal>> PairsAsync(NpgsqlConnection c, NpgsqlTransaction t, string sql, ReportQuery q, CancellationToken ct)
    {
        var figures = new Dictionary<(string, string), decimal>();
        await using var command = Command(c, t, sql, q);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            figures[(reader.GetString(0), reader.GetString(1))] = reader.GetDecimal(2);
        }
        return figures;
    }

    private static async Task<Dictionary<string, decimal>> CountsAsync(NpgsqlConnection c, NpgsqlTransaction t, string sql, ReportQuery q, CancellationToken ct)
    {
        var counts = new Dictionary<string, decimal>();
        await using var command = Command(c, t, sql, q);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }
        return counts;
    }

    /// <summary>The stored figures of the year by the two keys, and their sources; no sources = nothing stored.</summary>
    private static async Task<(Dictionary<(string, string), decimal>, IReadOnlyList<string>?)> StoredPairsAsync(
        NpgsqlConnection c, NpgsqlTransaction t, string keys, ReportQuery q, CancellationToken ct)
    {
        var figures = await PairsAsync(c, t, $"""
            select {keys}, sum(x.area_m2) from reports.stored_by_unit(@year, @units) x where {UnitFilter} group by 1, 2
            """, q, ct);
        var sources = new List<string>();
        await using (var command = Command(c, t, $"select distinct x.source from reports.stored_by_unit(@year, @units) x where {UnitFilter} order by 1", q))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                sources.Add(reader.GetString(0));
            }
        }
        return (figures, sources.Count == 0 ? null : sources);
    }

    private static async Task Execute(NpgsqlConnection c, NpgsqlTransaction t, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, c, t);
        await command.ExecuteNonQueryAsync(ct);
    }

    private sealed record CodeInfo(string List, string Code, string LabelVi, string LabelEn, string? Parent, bool Valid, int Position);

    private sealed class CodeBook(List<CodeInfo> codes)
    {
        private readonly Dictionary<(string, string), CodeInfo> byKey = codes.ToDictionary(c => (c.List, c.Code));

        public IEnumerable<CodeInfo> Ordered(string list) =>
            codes.Where(c => c.List == list).OrderBy(c => c.Position).ThenBy(c => c.Code, StringComparer.Ordinal);

        public bool Has(string list, string code) => byKey.ContainsKey((list, code));

        public CodeInfo? Get(string list, string code) => byKey.GetValueOrDefault((list, code));

        public string GroupOf(string purpose) => Get("land_use_purpose", purpose)?.Parent ?? "?";
    }

    /// <summary>Each code's version valid on the date, else its latest; with its position in the forms.</summary>
    private static async Task<CodeBook> CodesAsync(NpgsqlConnection c, NpgsqlTransaction t, DateOnly date, CancellationToken ct)
    {
        var codes = new List<CodeInfo>();
        await using var command = new NpgsqlCommand("""
            select distinct on (c.list_id, c.code) c.list_id, c.code, c.label_vi, coalesce(c.label_en, c.label_vi), c.parent_code,
                   c.valid_from <= $1 and (c.valid_to is null or $1 < c.valid_to) as valid, coalesce(p.position, 2147483647)
            from ref.codes c left join reports.code_positions p using (list_id, code)
            where c.list_id in ('land_use_purpose', 'land_user_type', 'land_use_group', 'land_user_group')
            order by c.list_id, c.code, valid desc, c.valid_from desc
            """, c, t);
        command.Parameters.Add(new NpgsqlParameter { Value = date, NpgsqlDbType = NpgsqlDbType.Date });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            codes.Add(new CodeInfo(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetBoolean(5), reader.GetInt32(6)));
        }
        return new CodeBook(codes);
    }

    private sealed record UnitInfo(string Code, string Name, string? Parent);

    /// <summary>Every unit by code, its latest version's name and parent.</summary>
    private static async Task<Dictionary<string, UnitInfo>> UnitsAsync(NpgsqlConnection c, NpgsqlTransaction t, CancellationToken ct)
    {
        var units = new Dictionary<string, UnitInfo>();
        await using var command = new NpgsqlCommand(
            "select distinct on (code) code, name, parent_code from ref.admin_units order by code, valid_from desc", c, t);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            units[reader.GetString(0)] = new UnitInfo(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }
        return units;
    }
}
