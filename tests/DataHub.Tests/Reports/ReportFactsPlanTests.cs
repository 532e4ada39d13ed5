using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Reports;

/// <summary>
/// The reports' readers of the facts pass the parcels to compute live as an array to the live
/// functions, whose filters say "every parcel when the array is null". PostgreSQL switches a
/// function's statement to a generic plan after five calls on one connection, and a generic plan
/// cannot drop that condition: it scanned every parcel comparing it with each parcel of the array
/// (two minutes for a 02/TKKK at a million parcels once 9,000 had changed). The plans must keep
/// the array's value, whatever the connection's plan cache would choose. Read through auto_explain.
/// </summary>
public sealed class ReportFactsPlanTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private readonly List<string> plans = [];

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync("factsplan");

    public async Task DisposeAsync() => await database.DisposeAsync();

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Theory]
    [InlineData("land_fast")]
    [InlineData("users_fast")]
    public async Task the_live_part_is_planned_with_the_parcels_it_is_given_on_every_call(string function)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, "begin isolation level repeatable read; select reports.rebuild_facts(); commit;");
        await AutoExplain.CollectPlansAsync(connection, plans);
        // What the plan cache may choose after five calls, from the first.
        await ExecuteAsync(connection, "set plan_cache_mode = force_generic_plan");
        for (var call = 1; call <= 2; call++)
        {
            plans.Clear();
            await ExecuteAsync(connection, $"select count(*) from reports.{function}(current_date)");
            var live = Assert.Single(plans, p => p.Contains("_at(p_on, live)", StringComparison.Ordinal));
            // A generic plan keeps the parameter and its test: "($10 IS NULL) OR (id = ANY ($10))".
            Assert.DoesNotMatch(@"\$\d+ IS NULL", live);
        }
    }
}
