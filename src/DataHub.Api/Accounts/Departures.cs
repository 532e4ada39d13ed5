using DataHub.Api.Infrastructure.Database;
using Npgsql;

namespace DataHub.Api.Accounts;

/// <summary>
/// Leaving or moving. Rights stop on the departure's rights_end_on day even before anything is
/// applied (access.account_permissions ignores the roles from that day); applying then removes
/// the roles (transfer, change of position) or revokes the account (resignation, retirement),
/// so the data says the same as the behaviour.
/// </summary>
public static class Departures
{
    public static async Task RevokeAsync(WriteTransaction write, Guid accountId, CancellationToken ct)
    {
        await write.ExecuteAsync("update access.accounts set status = 'revoked' where account_id = $1", ct, accountId);
        await write.ExecuteAsync("delete from access.role_assignments where account_id = $1", ct, accountId);
        await write.ExecuteAsync("update access.account_credentials set token_epoch = token_epoch + 1 where account_id = $1", ct, accountId);
    }

    /// <summary>Applies every departure whose rights end on or before the day; returns how many.</summary>
    public static async Task<int> ApplyDueAsync(NpgsqlDataSource dataSource, string writer, DateOnly today, CancellationToken ct)
    {
        await using var write = await WriteTransaction.BeginAsync(dataSource, writer, ct);
        var due = new List<(long Id, Guid Account, string Kind, string? Unit, string? Position)>();
        await using (var command = write.Command("""
            select id, account_id, kind, new_unit_code, new_position from access.departures
            where applied_at is null and rights_end_on <= $1 order by rights_end_on, id for update skip locked
            """, today))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                due.Add((reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
        }
        foreach (var d in due)
        {
            if (d.Kind is "resignation" or "retirement")
            {
                await RevokeAsync(write, d.Account, ct);
            }
            else
            {
                await write.ExecuteAsync("delete from access.role_assignments where account_id = $1", ct, d.Account);
                await write.ExecuteAsync("""
                    update access.accounts set unit_code = coalesce($2, unit_code), position = coalesce($3, position) where account_id = $1
                    """, ct, d.Account, d.Unit, d.Position);
            }
            await write.ExecuteAsync("update access.departures set applied_at = now() where id = $1", ct, d.Id);
        }
        if (due.Count == 0)
        {
            return 0;
        }
        await write.CommitAsync("departures.applied", null, new { departures = due.Select(d => new { d.Id, account = $"account:{d.Account}", d.Kind }) }, ct);
        return due.Count;
    }
}
