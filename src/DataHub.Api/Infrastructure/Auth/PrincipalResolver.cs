using System.Security.Claims;
using Npgsql;

namespace DataHub.Api.Infrastructure.Auth;

/// <summary>
/// Turns a valid token into the caller's current rights, read from the database on every
/// request: a revoked account or client, a rotated secret, a reset password or a departure's
/// end date stops the token at once, on every hub process.
/// </summary>
public sealed class PrincipalResolver(NpgsqlDataSource dataSource, Microsoft.Extensions.Options.IOptions<AuthOptions> options, TimeProvider clock)
{
    /// <summary>The caller's rights, or why the token no longer counts.</summary>
    public async Task<(ClaimsIdentity? Identity, string? Refusal)> ResolveAsync(string subject, int epoch, string? scope, CancellationToken ct)
    {
        if (subject.StartsWith("account:", StringComparison.Ordinal) && Guid.TryParse(subject["account:".Length..], out var accountId))
        {
            return await AccountAsync(subject, accountId, epoch, ct);
        }
        if (subject.StartsWith("client:", StringComparison.Ordinal))
        {
            return await ClientAsync(subject, subject["client:".Length..], epoch, scope, ct);
        }
        return (null, "The token names no account or client of this hub.");
    }

    public DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone)).DateTime);

    private async Task<(ClaimsIdentity?, string?)> AccountAsync(string subject, Guid accountId, int epoch, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            select a.status, a.unit_code, c.token_epoch, c.must_change_password, c.password_set_at
            from access.accounts a join access.account_credentials c using (account_id)
            where a.account_id = $1
            """) { Parameters = { new() { Value = accountId } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("select permission, dataset_id from access.account_permissions($1, $2)")
        { Parameters = { new() { Value = accountId }, new() { Value = Today() } } });
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return (null, "The account of this token no longer exists.");
        }
        var (status, unit, currentEpoch, mustChange, setAt) =
            (reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetBoolean(3), reader.GetFieldValue<DateTimeOffset>(4));
        if (status != "active")
        {
            return (null, "The account of this token has been revoked.");
        }
        if (currentEpoch != epoch)
        {
            return (null, "The account's password was changed or reset after this token was issued; sign in again.");
        }
        var identity = Identity(subject, unit);
        var expired = setAt.AddDays(options.Value.PasswordExpiryDays) <= clock.GetUtcNow();
        if (mustChange || expired)
        {
            // The first sign-in with an initial or reset password, or an expired one, can do
            // nothing but change it.
            identity.AddClaim(new Claim(HubPrincipal.PasswordChangeClaim, mustChange ? "initial" : "expired"));
            identity.AddClaim(new Claim(Permissions.ClaimType, Permissions.PasswordChange));
            return (identity, null);
        }
        identity.AddClaim(new Claim(Permissions.ClaimType, Permissions.PasswordChange));
        await reader.NextResultAsync(ct);
        await AddPermissionsAsync(identity, reader, null, ct);
        return (identity, null);
    }

    private async Task<(ClaimsIdentity?, string?)> ClientAsync(string subject, string clientId, int epoch, string? scope, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            select c.status, c.unit_code, s.token_epoch
            from access.clients c join access.client_secrets s using (client_id)
            where c.client_id = $1
            """) { Parameters = { new() { Value = clientId } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("select permission, dataset_id from access.client_permissions($1)")
        { Parameters = { new() { Value = clientId } } });
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return (null, "The client of this token no longer exists.");
        }
        if (reader.GetString(0) != "active")
        {
            return (null, "The client of this token has been revoked.");
        }
        if (reader.GetInt32(2) != epoch)
        {
            return (null, "The client's secret was rotated after this token was issued; ask for a new token.");
        }
        var identity = Identity(subject, reader.GetString(1));
        await reader.NextResultAsync(ct);
        // A client's token carries only the rights it asked for (its scopes) among those its roles give.
        var scopes = scope?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        await AddPermissionsAsync(identity, reader, scopes, ct);
        return (identity, null);
    }

    private static ClaimsIdentity Identity(string subject, string unit) =>
        new([new Claim("sub", subject), new Claim(HubPrincipal.UnitClaim, unit)], "datahub", "sub", null);

    private static async Task AddPermissionsAsync(ClaimsIdentity identity, NpgsqlDataReader reader, HashSet<string>? scopes, CancellationToken ct)
    {
        while (await reader.ReadAsync(ct))
        {
            var permission = reader.GetString(0);
            if (scopes is not null && !scopes.Contains(permission))
            {
                continue;
            }
            var value = reader.IsDBNull(1) ? permission : $"{permission}@{reader.GetString(1)}";
            identity.AddClaim(new Claim(Permissions.ClaimType, value));
        }
    }
}
