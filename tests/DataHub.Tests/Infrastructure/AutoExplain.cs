using Npgsql;

namespace DataHub.Tests.Infrastructure;

/// <summary>
/// Plans as evidence: auto_explain on one connection, every statement's plan (functions' inner
/// statements too) arriving as a notice in the given list.
/// </summary>
public static class AutoExplain
{
    public static async Task CollectPlansAsync(NpgsqlConnection connection, List<string> plans, bool analyze = false)
    {
        connection.Notice += (_, e) => plans.Add(e.Notice.MessageText);
        await using var command = new NpgsqlCommand($"""
            load 'auto_explain';
            set auto_explain.log_min_duration = 0;
            set auto_explain.log_nested_statements = on;
            set auto_explain.log_analyze = {(analyze ? "on" : "off")};
            set auto_explain.log_level = notice;
            """, connection);
        await command.ExecuteNonQueryAsync();
    }
}
