using DataHub.Api.Infrastructure.Database;
using Npgsql;

namespace DataHub.Api.Accounts;

/// <summary>An account as administrators see it (never its credentials).</summary>
public sealed record Account(
    Guid AccountId, string Username, string DisplayName, string UnitCode, string Position, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset? LastSignInAt, DateTimeOffset PasswordSetAt, bool PasswordChangeRequired,
    DateTimeOffset? LockedUntil, IReadOnlyList<RoleGrant> Roles);

public sealed class AccountReader(NpgsqlDataSource dataSource)
{
    private const string Select = """
        select a.account_id, a.username, a.display_name, a.unit_code, a.position, a.status, a.created_at,
               c.last_sign_in_at, c.password_set_at, c.must_change_password, c.locked_until,
               coalesce((select jsonb_agg(jsonb_build_object('role', r.role, 'datasetId', r.dataset_id) order by r.role, r.dataset_id)
                         from access.role_assignments r where r.account_id = a.account_id), '[]')::text
        from access.accounts a join access.account_credentials c using (account_id)
        """;

    public async Task<Account?> FindAsync(Guid accountId, CancellationToken ct) =>
        (await QueryAsync(Select + " where a.account_id = $1", ct, accountId)).FirstOrDefault();

    public Task<List<Account>> ListAsync(string? unit, string? status, CancellationToken ct) =>
        QueryAsync(Select + " where ($1::text is null or a.unit_code = $1) and ($2::text is null or a.status = $2) order by a.unit_code, a.username", ct, unit, status);

    private async Task<List<Account>> QueryAsync(string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.AddValues(values);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<Account>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(new Account(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.GetFieldValue<DateTimeOffset>(8), reader.GetBoolean(9), reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                System.Text.Json.JsonSerializer.Deserialize<List<RoleGrant>>(reader.GetString(11), System.Text.Json.JsonSerializerOptions.Web)!));
        }
        return list;
    }
}
