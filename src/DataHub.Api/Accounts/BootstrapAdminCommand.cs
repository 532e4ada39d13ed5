using DataHub.Api.Units;
using System.CommandLine;
using DataHub.Api.Infrastructure.Cli;
using DataHub.Api.Infrastructure.Database;
using Npgsql;

namespace DataHub.Api.Accounts;

/// <summary>
/// `bootstrap-admin --username U --unit CODE`: the first department administrator, with a
/// one-time password printed once. Refused while an active administrator exists, so it cannot
/// become a back door.
/// </summary>
public static class BootstrapAdminCommand
{
    public static Command Create(HubCommandLine.HubFactory buildHub)
    {
        var username = new Option<string>("--username") { Description = "Username of the first administrator.", DefaultValueFactory = _ => "admin" };
        var unit = new Option<string>("--unit") { Description = "Code of the department's unit.", DefaultValueFactory = _ => "snnmt-dn" };
        var name = new Option<string>("--name") { Description = "Display name.", DefaultValueFactory = _ => "Quản trị hệ thống" };
        var command = new Command("bootstrap-admin", "Create the first department administrator (only while there is none).") { username, unit, name };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, ct) =>
        {
            await using var app = buildHub(HubCommandLine.HostArgs(result));
            var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
            await using var write = await WriteTransaction.BeginAsync(dataSource, "cli:bootstrap-admin", ct);
            await write.ExecuteAsync("lock table access.role_assignments in share row exclusive mode", ct);
            if (await write.ScalarAsync<bool>("""
                select exists (select 1 from access.role_assignments r join access.accounts a using (account_id)
                               where r.role = 'department-admin' and a.status = 'active')
                """, ct))
            {
                Console.Error.WriteLine("bootstrap-admin: an active department administrator exists; new accounts are created through the API");
                return 1;
            }
            if (!await write.UnitExistsAsync(result.GetValue(unit)!, null, ct))
            {
                Console.Error.WriteLine($"bootstrap-admin: there is no unit '{result.GetValue(unit)}' valid today");
                return 1;
            }
            var accountId = await write.ScalarAsync<Guid>(
                "insert into access.accounts (username, display_name, unit_code, position) values ($1, $2, $3, 'administrator') returning account_id",
                ct, result.GetValue(username), result.GetValue(name), result.GetValue(unit));
            var password = Secrets.NewTemporaryPassword();
            await SignIns.SetPasswordAsync(write, accountId, Secrets.HashPassword(password), mustChange: true, ct);
            await RoleAssignments.ReplaceAsync(write, accountId, null, [new RoleGrant("department-admin", null)], ct);
            await write.CommitAsync("account.created", $"account:{accountId}", new { username = result.GetValue(username), role = "department-admin", via = "bootstrap-admin" }, ct);
            Console.WriteLine($"bootstrap-admin: created '{result.GetValue(username)}' ({accountId})");
            Console.WriteLine($"one-time password (change it at the first sign-in): {password}");
            return 0;
        });
        return command;
    }
}
