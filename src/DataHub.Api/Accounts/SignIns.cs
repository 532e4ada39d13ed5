using DataHub.Api.Audit;
using DataHub.Api.Infrastructure.Auth;
using DataHub.Api.Infrastructure.Database;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DataHub.Api.Accounts;

/// <summary>People signing in with a password, and changing it; lockout after repeated failures.</summary>
public sealed class SignIns(NpgsqlDataSource dataSource, TokenIssuer tokens, PasswordPolicy policy, IOptions<AuthOptions> options, TimeProvider clock)
{
    public abstract record Outcome;
    public sealed record SignedIn(IssuedToken Token, string? PasswordChangeRequired) : Outcome;
    public sealed record WrongCredentials : Outcome;
    public sealed record Locked(DateTimeOffset Until) : Outcome;
    public sealed record Revoked : Outcome;

    public async Task<Outcome> SignInAsync(string username, string password, CancellationToken ct)
    {
        var o = options.Value;
        await using var command = dataSource.CreateCommand("""
            select a.account_id, a.status, c.password_hash, c.locked_until, c.must_change_password, c.password_set_at, c.token_epoch
            from access.accounts a join access.account_credentials c using (account_id)
            where lower(a.username) = lower($1)
            """);
        command.Parameters.Add(new() { Value = username });
        Guid? id = null; string? status = null, hash = null; DateTimeOffset? lockedUntil = null; bool mustChange = false; DateTimeOffset setAt = default; int epoch = 0;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                (id, status, hash) = (reader.GetGuid(0), reader.GetString(1), reader.GetString(2));
                lockedUntil = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3);
                (mustChange, setAt, epoch) = (reader.GetBoolean(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetInt32(6));
            }
        }
        var now = clock.GetUtcNow();
        var matches = Secrets.VerifyPassword(hash ?? Secrets.DummyHash, password) && id is not null;
        if (id is null)
        {
            await AuditTrail.AppendAsync(dataSource, "anonymous", "sign-in.refused", username, new { reason = "unknown username" }, ct);
            return new WrongCredentials();
        }
        if (lockedUntil is { } until && until > now)
        {
            await AuditTrail.AppendAsync(dataSource, $"account:{id}", "sign-in.refused", username, new { reason = "locked", until }, ct);
            return new Locked(until);
        }
        if (status != "active")
        {
            await AuditTrail.AppendAsync(dataSource, $"account:{id}", "sign-in.refused", username, new { reason = "revoked" }, ct);
            return new Revoked();
        }
        await using var write = await WriteTransaction.BeginAsync(dataSource, $"account:{id}", ct);
        if (!matches)
        {
            var failures = await write.ScalarAsync<int>("""
                update access.account_credentials
                set failed_sign_ins = failed_sign_ins + 1,
                    locked_until = case when failed_sign_ins + 1 >= $2 then $3 else null end
                where account_id = $1 returning failed_sign_ins
                """, ct, id, o.LockoutFailures, now.AddMinutes(o.LockoutMinutes));
            await write.CommitAsync("sign-in.refused", username, new { reason = "wrong password", failures }, ct);
            return failures >= o.LockoutFailures ? new Locked(now.AddMinutes(o.LockoutMinutes)) : new WrongCredentials();
        }
        await write.ExecuteAsync("update access.account_credentials set failed_sign_ins = 0, locked_until = null, last_sign_in_at = now() where account_id = $1", ct, id);
        var change = mustChange ? "initial" : setAt.AddDays(o.PasswordExpiryDays) <= now ? "expired" : null;
        await write.CommitAsync("sign-in", username, new { passwordChangeRequired = change }, ct);
        return new SignedIn(tokens.Issue($"account:{id}", epoch, TimeSpan.FromMinutes(o.AccessTokenMinutes)), change);
    }

    /// <summary>Problems with the new password by field, or a fresh token (the old ones end with the change).</summary>
    public async Task<(Dictionary<string, string[]>? Problems, IssuedToken? Token)> ChangePasswordAsync(Guid accountId, string current, string next, CancellationToken ct)
    {
        var o = options.Value;
        await using var write = await WriteTransaction.BeginAsync(dataSource, $"account:{accountId}", ct);
        string username, currentHash;
        await using (var command = write.Command("""
            select a.username, c.password_hash from access.accounts a join access.account_credentials c using (account_id)
            where a.account_id = $1 for update of c
            """, accountId))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (username, currentHash) = (reader.GetString(0), reader.GetString(1));
        }
        if (!Secrets.VerifyPassword(currentHash, current))
        {
            return (new() { ["currentPassword"] = ["The current password is not correct."] }, null);
        }
        var problems = policy.Problems(next, username).ToList();
        if (problems.Count == 0 && await UsedBeforeAsync(write, accountId, next, o.PasswordHistory, ct))
        {
            problems.Add($"The password was one of the last {o.PasswordHistory} passwords of this account; choose a new one.");
        }
        if (problems.Count > 0)
        {
            return (new() { ["newPassword"] = [.. problems] }, null);
        }
        var epoch = await SetPasswordAsync(write, accountId, Secrets.HashPassword(next), mustChange: false, ct);
        await write.CommitAsync("password.changed", $"account:{accountId}", null, ct);
        return (null, tokens.Issue($"account:{accountId}", epoch, TimeSpan.FromMinutes(o.AccessTokenMinutes)));
    }

    /// <summary>Sets a password (kept in the history), moves the token epoch so older tokens end.</summary>
    public static async Task<int> SetPasswordAsync(WriteTransaction write, Guid accountId, string hash, bool mustChange, CancellationToken ct)
    {
        await write.ExecuteAsync("insert into access.password_history (account_id, password_hash) values ($1, $2)", ct, accountId, hash);
        return await write.ScalarAsync<int>("""
            insert into access.account_credentials (account_id, password_hash, must_change_password)
            values ($1, $2, $3)
            on conflict (account_id) do update
            set password_hash = excluded.password_hash, password_set_at = now(), must_change_password = excluded.must_change_password,
                failed_sign_ins = 0, locked_until = null, token_epoch = access.account_credentials.token_epoch + 1
            returning token_epoch
            """, ct, accountId, hash, mustChange);
    }

    private static async Task<bool> UsedBeforeAsync(WriteTransaction write, Guid accountId, string password, int count, CancellationToken ct)
    {
        await using var command = write.Command("select password_hash from access.password_history where account_id = $1 order by set_at desc limit $2", accountId, count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var hashes = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            hashes.Add(reader.GetString(0));
        }
        return hashes.Any(h => Secrets.VerifyPassword(h, password));
    }
}
