using DataHub.Api.Audit;
using DataHub.Api.Infrastructure.Auth;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DataHub.Api.Accounts;

/// <summary>OAuth2 client credentials: a registered client's secret exchanged for a short-lived token.</summary>
public sealed class ClientTokens(NpgsqlDataSource dataSource, TokenIssuer tokens, IOptions<AuthOptions> options)
{
    /// <summary>The token, or the RFC 6749 error code and a sentence saying why.</summary>
    public async Task<(IssuedToken? Token, string? Scope, string? Error, string? Why)> IssueAsync(string clientId, string secret, string? scope, CancellationToken ct)
    {
        var client = await ReadClientAsync(clientId, secret, ct);
        if (client is null)
        {
            await AuditTrail.AppendAsync(dataSource, $"client:{clientId}", "token.refused", clientId, new { reason = "unknown client or wrong secret" }, ct);
            return (null, null, "invalid_client", "The client id or secret is not correct.");
        }
        var (status, epoch, granted) = client.Value;
        if (status != "active")
        {
            await AuditTrail.AppendAsync(dataSource, $"client:{clientId}", "token.refused", clientId, new { reason = "revoked" }, ct);
            return (null, null, "invalid_client", "The client has been revoked.");
        }
        var asked = scope?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (asked.Except(granted).ToList() is { Count: > 0 } beyond)
        {
            return (null, null, "invalid_scope", $"The client's roles do not give {string.Join(", ", beyond)}; it may ask for {string.Join(" ", granted.Order())}.");
        }
        var scopes = asked.Length > 0 ? asked : granted;
        await AuditTrail.AppendAsync(dataSource, $"client:{clientId}", "token.issued", clientId, new { scope = string.Join(' ', scopes) }, ct);
        return (tokens.Issue($"client:{clientId}", epoch, TimeSpan.FromMinutes(options.Value.ClientTokenMinutes), scopes), string.Join(' ', scopes), null, null);
    }

    /// <summary>The client's status, token epoch and permissions, or null if it is unknown or the secret is wrong.</summary>
    /// <remarks>
    /// The reader is disposed exactly once, here. Npgsql hands a connection's reader to the
    /// connection's next command: a second dispose after the connection has gone back to the pool
    /// (as an explicit dispose followed by the end of an <c>await using</c> did) ends another
    /// request's command on it mid-way. That corrupted the connection under load (a 500 here, and
    /// the scheduler failing to start beside the first token request).
    /// </remarks>
    private async Task<(string Status, int Epoch, string[] Granted)?> ReadClientAsync(string clientId, string secret, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select c.status, s.secret_hash, s.token_epoch,
                   (select array_agg(distinct permission) from access.client_permissions(c.client_id))
            from access.clients c join access.client_secrets s using (client_id)
            where c.client_id = $1
            """);
        command.Parameters.Add(new() { Value = clientId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct) || !Secrets.VerifyClientSecret(reader.GetString(1), secret))
        {
            return null;
        }
        return (reader.GetString(0), reader.GetInt32(2), reader.IsDBNull(3) ? [] : reader.GetFieldValue<string[]>(3));
    }
}
