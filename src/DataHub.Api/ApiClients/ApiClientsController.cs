using DataHub.Api.Units;
using Asp.Versioning;
using DataHub.Api.Accounts;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Auth;
using DataHub.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace DataHub.Api.ApiClients;

/// <summary>
/// Machine clients of units (other systems: the one-stop-shop software, a department's GIS, the
/// IOC), exchanging their id and secret for short-lived tokens at /api/v1/auth/token. A secret is
/// shown once, stored hashed, and can be rotated or the client revoked, effective at once.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/clients")]
[Tags("Clients")]
[Authorize(Policy = Permissions.ClientsManage)]
public sealed class ApiClientsController(NpgsqlDataSource dataSource) : ControllerBase
{
    /// <summary>Every registered client with its roles.</summary>
    [HttpGet(Name = "GetClients")]
    [ProducesResponseType<IReadOnlyList<ApiClient>>(StatusCodes.Status200OK, "application/json")]
    public Task<List<ApiClient>> GetClients(CancellationToken ct) => QueryAsync(null, ct);

    /// <summary>Registers a client; its secret is in this answer only.</summary>
    [HttpPost(Name = "CreateClient")]
    [Consumes("application/json")]
    [ProducesResponseType<ClientWithSecret>(StatusCodes.Status201Created, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<ActionResult<ClientWithSecret>> Create(NewClient request, CancellationToken ct)
    {
        await using var write = await WriteTransaction.BeginAsync(dataSource, User.Actor(), ct);
        var problems = new Dictionary<string, string[]>();
        if (!System.Text.RegularExpressions.Regex.IsMatch(request.ClientId, @"^[a-z0-9][a-z0-9._-]{2,63}\z"))
        {
            problems["clientId"] = ["A client id is 3 to 64 lower-case letters, digits, dots, hyphens and underscores."];
        }
        if (!await write.UnitExistsAsync(request.UnitCode, null, ct))
        {
            problems["unitCode"] = [$"There is no unit '{request.UnitCode}' valid today."];
        }
        if (await RoleAssignments.CheckAsync(write, User, request.Roles, ct) is { } roleProblems)
        {
            foreach (var (key, messages) in roleProblems)
            {
                problems[key] = messages;
            }
        }
        if (problems.Count > 0)
        {
            return this.Invalid(problems, "The client is not valid");
        }
        await write.LockAsync($"client:{request.ClientId}", ct);
        if (await write.ScalarAsync<bool>("select exists (select 1 from access.clients where client_id = $1)", ct, request.ClientId))
        {
            return Problem(statusCode: StatusCodes.Status409Conflict, title: "Client id taken", detail: $"A client '{request.ClientId}' exists already.");
        }
        await write.ExecuteAsync("insert into access.clients (client_id, name, unit_code) values ($1, $2, $3)", ct, request.ClientId, request.Name, request.UnitCode);
        var secret = Secrets.NewClientSecret();
        await write.ExecuteAsync("insert into access.client_secrets (client_id, secret_hash) values ($1, $2)", ct, request.ClientId, Secrets.HashClientSecret(secret));
        await RoleAssignments.ReplaceAsync(write, null, request.ClientId, request.Roles, ct);
        await write.CommitAsync("client.created", $"client:{request.ClientId}", new { request.Name, request.UnitCode, request.Roles }, ct);
        var client = (await QueryAsync(request.ClientId, ct))[0];
        return CreatedAtRoute("GetClients", new { version = "1" }, new ClientWithSecret(client, secret));
    }

    /// <summary>Replaces the client's secret; tokens issued under the old one stop at once.</summary>
    [HttpPost("{clientId}/secret", Name = "RotateClientSecret")]
    [ProducesResponseType<ClientWithSecret>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<ClientWithSecret>> Rotate(string clientId, CancellationToken ct)
    {
        await using var write = await WriteTransaction.BeginAsync(dataSource, User.Actor(), ct);
        var secret = Secrets.NewClientSecret();
        var changed = await write.ExecuteAsync("""
            update access.client_secrets set secret_hash = $2, set_at = now(), token_epoch = token_epoch + 1
            where client_id = $1 and exists (select 1 from access.clients c where c.client_id = $1 and c.status = 'active')
            """, ct, clientId, Secrets.HashClientSecret(secret));
        if (changed == 0)
        {
            return UnknownClient(clientId);
        }
        await write.CommitAsync("client.secret-rotated", $"client:{clientId}", null, ct);
        return new ClientWithSecret((await QueryAsync(clientId, ct))[0], secret);
    }

    /// <summary>Replaces the client's roles.</summary>
    [HttpPut("{clientId}/roles", Name = "SetClientRoles")]
    [Consumes("application/json")]
    [ProducesResponseType<ApiClient>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<ApiClient>> SetRoles(string clientId, IReadOnlyList<RoleGrant> roles, CancellationToken ct)
    {
        if ((await QueryAsync(clientId, ct)).Count == 0)
        {
            return UnknownClient(clientId);
        }
        await using var write = await WriteTransaction.BeginAsync(dataSource, User.Actor(), ct);
        if (await RoleAssignments.CheckAsync(write, User, roles, ct, list: "") is { } problems)
        {
            return this.Invalid(problems, "The roles are not valid");
        }
        await RoleAssignments.ReplaceAsync(write, null, clientId, roles, ct);
        await write.CommitAsync("client.roles-changed", $"client:{clientId}", new { roles }, ct);
        return (await QueryAsync(clientId, ct))[0];
    }

    /// <summary>Revokes the client: its tokens stop on their next request and it gets no new ones.</summary>
    [HttpPost("{clientId}/revocation", Name = "RevokeClient")]
    [ProducesResponseType<ApiClient>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<ApiClient>> Revoke(string clientId, CancellationToken ct)
    {
        await using var write = await WriteTransaction.BeginAsync(dataSource, User.Actor(), ct);
        if (await write.ExecuteAsync("update access.clients set status = 'revoked' where client_id = $1 and status = 'active'", ct, clientId) == 0)
        {
            return UnknownClient(clientId);
        }
        await write.ExecuteAsync("update access.client_secrets set token_epoch = token_epoch + 1 where client_id = $1", ct, clientId);
        await write.CommitAsync("client.revoked", $"client:{clientId}", null, ct);
        return (await QueryAsync(clientId, ct))[0];
    }

    private ObjectResult UnknownClient(string clientId) =>
        Problem(statusCode: StatusCodes.Status404NotFound, title: "No such client", detail: $"There is no active client '{clientId}'.");

    private async Task<List<ApiClient>> QueryAsync(string? clientId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select c.client_id, c.name, c.unit_code, c.status, c.created_at, s.set_at,
                   coalesce((select jsonb_agg(jsonb_build_object('role', r.role, 'datasetId', r.dataset_id) order by r.role, r.dataset_id)
                             from access.role_assignments r where r.client_id = c.client_id), '[]')::text
            from access.clients c join access.client_secrets s using (client_id)
            where $1::text is null or c.client_id = $1 order by c.client_id
            """);
        command.Parameters.Add(new() { Value = (object?)clientId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<ApiClient>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(new ApiClient(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5),
                System.Text.Json.JsonSerializer.Deserialize<List<RoleGrant>>(reader.GetString(6), System.Text.Json.JsonSerializerOptions.Web)!));
        }
        return list;
    }
}

public sealed record NewClient(string ClientId, string Name, string UnitCode, IReadOnlyList<RoleGrant> Roles);

public sealed record ApiClient(string ClientId, string Name, string UnitCode, string Status, DateTimeOffset CreatedAt, DateTimeOffset SecretSetAt, IReadOnlyList<RoleGrant> Roles);

public sealed record ClientWithSecret(ApiClient Client, string ClientSecret);
