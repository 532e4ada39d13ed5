using DataHub.Api.Units;
using Asp.Versioning;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Auth;
using DataHub.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace DataHub.Api.Accounts;

/// <summary>
/// People's accounts. The department's administrators manage every unit's accounts; a unit head
/// manages the accounts of the own unit's staff.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/accounts")]
[Tags("Accounts")]
[Authorize(Policy = Permissions.AccountsManageUnit)]
public sealed class AccountsController(NpgsqlDataSource dataSource, AccountReader accounts) : ControllerBase
{
    /// <summary>Accounts the caller manages (all, or the own unit's), filtered by unit and status.</summary>
    [HttpGet(Name = "GetAccounts")]
    [ProducesResponseType<IReadOnlyList<Account>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IReadOnlyList<Account>> GetAccounts(string? unit, string? status, CancellationToken ct) =>
        await accounts.ListAsync(ManagesAll ? unit : User.UnitCode(), status, ct);

    /// <summary>One account with its roles.</summary>
    [HttpGet("{accountId:guid}", Name = "GetAccount")]
    [ProducesResponseType<Account>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<Account>> GetAccount(Guid accountId, CancellationToken ct) =>
        await ManagedAsync(accountId, ct) is { } account ? account : NotFoundAccount(accountId);

    /// <summary>Creates an account with a one-time initial password, shown only in this answer.</summary>
    [HttpPost(Name = "CreateAccount")]
    [Consumes("application/json")]
    [ProducesResponseType<CreatedAccount>(StatusCodes.Status201Created, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<ActionResult<CreatedAccount>> CreateAccount(NewAccount request, CancellationToken ct)
    {
        if (!ManagesAll && request.UnitCode != User.UnitCode())
        {
            return Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: $"A unit head creates accounts of the own unit ({User.UnitCode()}) only.");
        }
        await using var write = await WriteTransaction.BeginAsync(dataSource, User.Actor(), ct);
        var problems = new Dictionary<string, string[]>();
        if (!await write.UnitExistsAsync(request.UnitCode, null, ct))
        {
            problems["unitCode"] = [$"There is no unit '{request.UnitCode}' valid today (see GET /api/v1/units)."];
        }
        if (string.IsNullOrWhiteSpace(request.Username) || request.Username.Length > 64 || request.Username.Any(char.IsWhiteSpace))
        {
            problems["username"] = ["The username must be 1 to 64 characters without spaces."];
        }
        if (await RoleAssignments.CheckAsync(write, User, request.Roles ?? [], ct) is { } roleProblems)
        {
            foreach (var (key, messages) in roleProblems)
            {
                problems[key] = messages;
            }
        }
        if (problems.Count > 0)
        {
            return this.Invalid(problems, "The account is not valid");
        }
        await write.LockAsync($"account:{request.Username.ToLowerInvariant()}", ct);
        if (await write.ScalarAsync<bool>("select exists (select 1 from access.accounts where lower(username) = lower($1))", ct, request.Username))
        {
            return Problem(statusCode: StatusCodes.Status409Conflict, title: "Username taken", detail: $"An account named '{request.Username}' exists already.");
        }
        var accountId = await write.ScalarAsync<Guid>(
            "insert into access.accounts (username, display_name, unit_code, position) values ($1, $2, $3, $4) returning account_id",
            ct, request.Username, request.DisplayName, request.UnitCode, request.Position);
        var password = Secrets.NewTemporaryPassword();
        await SignIns.SetPasswordAsync(write, accountId, Secrets.HashPassword(password), mustChange: true, ct);
        await RoleAssignments.ReplaceAsync(write, accountId, null, request.Roles ?? [], ct);
        await write.CommitAsync("account.created", $"account:{accountId}", new { request.Username, request.UnitCode, request.Position, request.Roles }, ct);
        var account = (await accounts.FindAsync(accountId, ct))!;
        return CreatedAtRoute("GetAccount", new { accountId, version = "1" }, new CreatedAccount(account, password));
    }

    /// <summary>Replaces the roles of an account.</summary>
    [HttpPut("{accountId:guid}/roles", Name = "SetAccountRoles")]
    [Consumes("application/json")]
    [ProducesResponseType<Account>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<Account>> SetRoles(Guid accountId, IReadOnlyList<RoleGrant> roles, CancellationToken ct)
    {
        if (await ManagedAsync(accountId, ct) is null)
        {
            return NotFoundAccount(accountId);
        }
        await using var write = await WriteTransaction.BeginAsync(dataSource, User.Actor(), ct);
        if (await RoleAssignments.CheckAsync(write, User, roles, ct, list: "") is { } problems)
        {
            return this.Invalid(problems, "The roles are not valid");
        }
        await RoleAssignments.ReplaceAsync(write, accountId, null, roles, ct);
        await write.CommitAsync("account.roles-changed", $"account:{accountId}", new { roles }, ct);
        return (await accounts.FindAsync(accountId, ct))!;
    }

    /// <summary>Resets a forgotten password: a one-time temporary password, to be changed at the next sign-in.</summary>
    [HttpPost("{accountId:guid}/password-reset", Name = "ResetPassword")]
    [ProducesResponseType<TemporaryPassword>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<TemporaryPassword>> ResetPassword(Guid accountId, CancellationToken ct)
    {
        if (await ManagedAsync(accountId, ct) is null)
        {
            return NotFoundAccount(accountId);
        }
        await using var write = await WriteTransaction.BeginAsync(dataSource, User.Actor(), ct);
        var password = Secrets.NewTemporaryPassword();
        await SignIns.SetPasswordAsync(write, accountId, Secrets.HashPassword(password), mustChange: true, ct);
        await write.CommitAsync("account.password-reset", $"account:{accountId}", null, ct);
        return new TemporaryPassword(password);
    }

    /// <summary>Revokes an account at once: its tokens stop on their next request.</summary>
    [HttpPost("{accountId:guid}/revocation", Name = "RevokeAccount")]
    [ProducesResponseType<Account>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<Account>> Revoke(Guid accountId, RevocationRequest? request, CancellationToken ct)
    {
        if (await ManagedAsync(accountId, ct) is null)
        {
            return NotFoundAccount(accountId);
        }
        await using var write = await WriteTransaction.BeginAsync(dataSource, User.Actor(), ct);
        await Departures.RevokeAsync(write, accountId, ct);
        await write.CommitAsync("account.revoked", $"account:{accountId}", new { request?.Reason }, ct);
        return (await accounts.FindAsync(accountId, ct))!;
    }

    private bool ManagesAll => User.Has(Permissions.AccountsManage);

    /// <summary>The account if the caller manages it (any, or one of the own unit).</summary>
    internal async Task<Account?> ManagedAsync(Guid accountId, CancellationToken ct) =>
        await accounts.FindAsync(accountId, ct) is { } account && (ManagesAll || account.UnitCode == User.UnitCode()) ? account : null;

    internal ObjectResult NotFoundAccount(Guid accountId) =>
        Problem(statusCode: StatusCodes.Status404NotFound, title: "No such account", detail: $"There is no account {accountId} that you manage.");

}

public sealed record NewAccount(string Username, string DisplayName, string UnitCode, string Position, IReadOnlyList<RoleGrant>? Roles);

public sealed record CreatedAccount(Account Account, string InitialPassword);

public sealed record TemporaryPassword(string Password);

public sealed record RevocationRequest(string? Reason);
