using DataHub.Api.Infrastructure.Database;

namespace DataHub.Api.Units;

/// <summary>
/// "Is there a unit X on day D", asked before a write names a unit (an account, a client, a
/// departure's new unit, a unit's parent, a succession, a dossier's receiving unit): the rule
/// of access.unit_at, in one statement for every caller.
/// </summary>
public static class UnitExistence
{
    /// <summary>$1 the code; $2 the day, or null for today (the database's current_date).</summary>
    public const string Sql = "select (access.unit_at($1, coalesce($2::date, current_date))).code is not null";

    public static async Task<bool> UnitExistsAsync(this WriteTransaction write, string code, DateOnly? day, CancellationToken ct) =>
        await write.ScalarAsync<bool>(Sql, ct, code, day);
}
