using System.Globalization;
using DataHub.Api.Deliveries;
using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.Reports;

/// <summary>
/// Computes the operational reports: one group-by query per report (*Statistics.cs) gives a row
/// of figures per line and one for the total (computed, not added up: averages and requests
/// naming several datasets would not add up), laid out as a <see cref="Report"/> so the exports
/// and the page are those of the land forms.
/// </summary>
public sealed class OperationalReports(NpgsqlDataSource dataSource)
{
    public async Task<Report> ComputeAsync(OperationalReport report, OperationalQuery query, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One snapshot for the figures and the labels.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var sql = report.Id switch
        {
            "dossiers" => DossierStatistics.Sql,
            "sharing" => SharingStatistics.Sql,
            _ => DeliveryStatistics.Sql,
        };
        var rows = new Dictionary<string, decimal[]>();
        decimal[]? total = null;
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.Date) { Value = query.From });
            command.Parameters.Add(new NpgsqlParameter("until", NpgsqlDbType.Date) { Value = query.Until });
            command.Parameters.Add(new NpgsqlParameter("by", NpgsqlDbType.Text) { Value = query.By });
            command.Parameters.Add(new NpgsqlParameter("units", NpgsqlDbType.Text) { Value = query.Units });
            command.Parameters.Add(new NpgsqlParameter("today", NpgsqlDbType.Date) { Value = query.Today });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var figures = new decimal[report.Columns.Count];
                for (var i = 0; i < figures.Length; i++)
                {
                    figures[i] = reader.GetDecimal(i + 1);
                }
                if (reader.IsDBNull(0))
                {
                    total = figures;
                }
                else
                {
                    rows[reader.GetString(0)] = figures;
                }
            }
        }
        // Sharing's units are organisations (access.units), the dossiers' are communes.
        var labels = await LabelsAsync(connection, transaction, report.Id == "sharing" && query.By == "unit" ? "office" : query.By, ct);
        await transaction.CommitAsync(ct);

        var columns = report.Columns.Select(c => new ReportAxis(c.Key, c.LabelVi, c.LabelEn, 2, new HashSet<string>(), c.Kind)).ToList();
        var empty = new decimal[report.Columns.Count];
        var lines = new List<ReportLine> { Line(new ReportAxis("TOTAL", "Tổng cộng", "Total", 0, new HashSet<string>()), total ?? empty) };
        foreach (var key in LineKeys(query, rows.Keys))
        {
            var (vi, en) = labels.TryGetValue(key, out var label) ? label : (key, key);
            lines.Add(Line(new ReportAxis(key, vi, en, 2, new HashSet<string> { key }), rows.GetValueOrDefault(key) ?? empty));
        }
        var (headingVi, headingEn) = report.Heading(query.By);
        return new Report(report.Id, report.Form, report.TitleVi, report.TitleEn, query.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            query.Units, null, null, null, columns, lines, 0, headingVi, headingEn, false,
            new ReportPeriod(OperationalReport.Month(query.From), OperationalReport.Month(query.To), query.By), report.Chart);
    }

    private static ReportLine Line(ReportAxis axis, decimal[] figures) =>
        new(axis, figures.Select(f => new ReportCell(f, null, null, false)).ToList());

    /// <summary>Every month of the period and every target, even without figures; other lines as found.</summary>
    private static SortedSet<string> LineKeys(OperationalQuery query, IEnumerable<string> found)
    {
        var keys = new SortedSet<string>(found, StringComparer.Ordinal);
        if (query.By == "month")
        {
            for (var month = query.From; month <= query.To; month = month.AddMonths(1))
            {
                keys.Add(OperationalReport.Month(month));
            }
        }
        else if (query.By == "target")
        {
            keys.UnionWith(DeliveryQueries.Targets);
        }
        return keys;
    }

    /// <summary>The names of the line keys: procedures, units, organisations and datasets by their latest version.</summary>
    private static async Task<Dictionary<string, (string Vi, string En)>> LabelsAsync(NpgsqlConnection c, NpgsqlTransaction t, string by, CancellationToken ct)
    {
        var labels = new Dictionary<string, (string, string)>();
        if (by == "month")
        {
            return labels;
        }
        if (by == "target")
        {
            labels["ministry"] = ("Bộ Nông nghiệp và Môi trường (hệ thống thông tin đất đai quốc gia)", "Ministry (national land information system)");
            labels["ioc"] = ("Trung tâm Giám sát, điều hành đô thị thông minh (IOC)", "Intelligent Operations Centre (IOC)");
            return labels;
        }
        var sql = by switch
        {
            "procedure" => "select distinct on (code) code, name_vi, name_en from dossiers.procedures order by code, valid_from desc",
            "unit" => "select distinct on (code) code, name, name from ref.admin_units order by code, valid_from desc",
            "dataset" => "select id, title_vi, title_en from catalog.datasets",
            _ => "select distinct on (code) code, name, name from access.units order by code, valid_from desc",
        };
        await using var command = new NpgsqlCommand(sql, c, t);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            labels[reader.GetString(0)] = (reader.GetString(1), reader.GetString(2));
        }
        return labels;
    }
}
