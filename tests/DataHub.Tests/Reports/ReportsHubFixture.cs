using System.Globalization;
using System.Text.Json;
using DataHub.Api.Reports;
using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Reports;

/// <summary>
/// The seeded hub (600 parcels) with the facts rebuild worker off, so that each test decides
/// whether the reports read built facts or compute everything live.
/// </summary>
public class ReportsHubFixture : SeededHubFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Reports:FactsRefreshSeconds", "0")];

    /// <summary>Brings the facts up to date as the worker does: only what changed, once they exist.</summary>
    public Task<long?> RefreshFactsAsync() => new ReportFacts(DataSource).RefreshAsync(CancellationToken.None);

    public Task<long?> RebuildFactsAsync() => new ReportFacts(DataSource).RefreshAsync(CancellationToken.None, full: true);

    /// <summary>
    /// Runs <paramref name="check"/> after a change with the facts stale (older than the change),
    /// refreshed (only the changed parcels), missing, then rebuilt: the figures must not depend on it.
    /// </summary>
    public async Task InEveryFactsStateAsync(Func<Task> check)
    {
        await check();
        Assert.True(await RefreshFactsAsync() > 0, "only the changed parcels are refreshed");
        await check();
        await DropFactsAsync();
        await check();
        await RebuildFactsAsync();
        await check();
    }

    /// <summary>Every fact, sorted, as text: to compare a refresh with a rebuild.</summary>
    public async Task<List<string>> FactsAsync()
    {
        var facts = new List<string>();
        await using var command = DataSource.CreateCommand("""
            select 'land ' || f::text from reports.land_facts f
            union all select 'user ' || f::text from reports.user_facts f
            order by 1
            """);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            facts.Add(reader.GetString(0));
        }
        return facts;
    }

    public async Task DropFactsAsync()
    {
        await using var command = DataSource.CreateCommand("delete from reports.facts_state; delete from reports.land_facts; delete from reports.user_facts");
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Today in the province, as the hub reckons it.</summary>
    public static string Today => DateTime.UtcNow.AddHours(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Rows of (key1, key2) → sum from a query selecting text, text, numeric.</summary>
    public async Task<Dictionary<(string, string), decimal>> PairsAsync(string sql, params object[] values)
    {
        var result = new Dictionary<(string, string), decimal>();
        await using var command = DataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[(reader.GetString(0), reader.GetString(1))] = reader.GetDecimal(2);
        }
        return result;
    }

    public async Task<JsonElement> ReportAsync(string form, string query)
    {
        var response = await CreateClient().GetAsync($"/api/v1/reports/{form}?{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}

/// <summary>Reading a report's JSON: its detail cells by (line, column).</summary>
public static class ReportJsonExtensions
{
    public static Dictionary<(string Line, string Column), JsonElement> DetailCells(this JsonElement report)
    {
        var columns = report.GetProperty("columns").EnumerateArray().Select(c => (Key: c.GetProperty("key").GetString()!, Level: c.GetProperty("level").GetInt32())).ToList();
        var cells = new Dictionary<(string, string), JsonElement>();
        foreach (var line in report.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("line").GetProperty("level").GetInt32() == 2))
        {
            var values = line.GetProperty("cells").EnumerateArray().ToList();
            for (var i = 0; i < columns.Count; i++)
            {
                if (columns[i].Level == 2)
                {
                    cells[(line.GetProperty("key").GetString()!, columns[i].Key)] = values[i];
                }
            }
        }
        return cells;
    }

    public static JsonElement Cell(this JsonElement report, string line, string column)
    {
        var index = report.GetProperty("columns").EnumerateArray().Select((c, i) => (c, i)).First(x => x.c.GetProperty("key").GetString() == column).i;
        return report.GetProperty("lines").EnumerateArray().First(l => l.GetProperty("key").GetString() == line).GetProperty("cells")[index];
    }

    public static decimal Computed(this JsonElement cell) => cell.GetProperty("computed").GetDecimal();

    /// <summary>Detail cells with a non-zero computed figure, as a dictionary comparable with SQL sums.</summary>
    public static Dictionary<(string, string), decimal> NonZeroComputed(this JsonElement report) =>
        report.DetailCells().Where(c => c.Value.Computed() != 0).ToDictionary(c => c.Key, c => c.Value.Computed());
}
