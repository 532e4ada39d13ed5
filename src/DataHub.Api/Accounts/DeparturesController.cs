using DataHub.Api.Units;
using Asp.Versioning;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Auth;
using DataHub.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DataHub.Api.Accounts;

/// <summary>
/// Recording a person's transfer, change of position, resignation or retirement, and the reports
/// that show the regulation is kept: revocations overdue (more than 5 working days, counted
/// with the holiday calendar) and accounts unused for a long time.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/accounts")]
[Tags("Accounts")]
public sealed class DeparturesController(NpgsqlDataSource dataSource, AccountReader accounts, PrincipalResolver principals, IOptions<AuthOptions> options) : ControllerBase
{
    /// <summary>Records a departure; rights end on rightsEndOn (default: the effective date), at the latest 5 working days after it.</summary>
    [HttpPost("{accountId:guid}/departures", Name = "RecordDeparture")]
    [Authorize(Policy = Permissions.AccountsManageUnit)]
    [Consumes("application/json")]
    [ProducesResponseType<Departure>(StatusCodes.Status201Created, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<Departure>> Record(Guid accountId, NewDeparture request, CancellationToken ct)
    {
        if (await accounts.FindAsync(accountId, ct) is not { } account || (!User.Has(Permissions.AccountsManage) && account.UnitCode != User.UnitCode()))
        {
            return Problem(statusCode: StatusCodes.Status404NotFound, title: "No such account", detail: $"There is no account {accountId} that you manage.");
        }
        await using var write = await WriteTransaction.BeginAsync(dataSource, User.Actor(), ct);
        var latest = await write.ScalarAsync<DateOnly>("select ref.add_working_days($1, $2)", ct, request.EffectiveOn, options.Value.RevocationWorkingDays);
        var rightsEnd = request.RightsEndOn ?? request.EffectiveOn;
        var problems = new Dictionary<string, string[]>();
        if (!await write.ScalarAsync<bool>("select ref.code_valid('departure_kind', $1, $2)", ct, request.Kind, request.EffectiveOn))
        {
            problems["kind"] = [$"'{request.Kind}' is not a kind of departure (transfer, position-change, resignation, retirement)."];
        }
        if (rightsEnd < request.EffectiveOn || rightsEnd > latest)
        {
            problems["rightsEndOn"] = [$"Rights must end between the effective date {request.EffectiveOn:yyyy-MM-dd} and {latest:yyyy-MM-dd} ({options.Value.RevocationWorkingDays} working days after it)."];
        }
        // A transfer moves the account to its new unit when applied: that unit must exist then.
        if (request.NewUnitCode is { } unit && !await write.UnitExistsAsync(unit, rightsEnd, ct))
        {
            problems["newUnitCode"] = [$"There is no unit '{unit}' valid on {rightsEnd:yyyy-MM-dd} (see GET /api/v1/units)."];
        }
        if (problems.Count > 0)
        {
            return this.Invalid(problems, "The departure is not valid");
        }
        var id = await write.ScalarAsync<long>("""
            insert into access.departures (account_id, kind, effective_on, rights_end_on, new_unit_code, new_position, note, recorded_by)
            values ($1, $2, $3, $4, $5, $6, $7, $8) returning id
            """, ct, accountId, request.Kind, request.EffectiveOn, rightsEnd, request.NewUnitCode, request.NewPosition, request.Note, User.Actor());
        await write.CommitAsync("account.departure-recorded", $"account:{accountId}", new { id, request.Kind, request.EffectiveOn, rightsEndOn = rightsEnd }, ct);
        await Departures.ApplyDueAsync(dataSource, User.Actor(), principals.Today(), ct);
        return CreatedAtRoute("GetAccount", new { accountId, version = "1" },
            new Departure(id, accountId, request.Kind, request.EffectiveOn, rightsEnd, latest, rightsEnd <= principals.Today()));
    }

    /// <summary>Departures whose rights are still not removed after the deadline (effective date + 5 working days), as at a day.</summary>
    [HttpGet("overdue-revocations", Name = "GetOverdueRevocations")]
    [Authorize(Policy = Permissions.AuditRead)]
    [ProducesResponseType<IReadOnlyList<OverdueRevocation>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IReadOnlyList<OverdueRevocation>> Overdue(DateOnly? asOf, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select d.account_id, a.username, a.unit_code, d.kind, d.effective_on, ref.add_working_days(d.effective_on, $2) as deadline,
                   d.recorded_at, d.applied_at
            from access.departures d join access.accounts a using (account_id)
            where ref.add_working_days(d.effective_on, $2) < $1
              and (d.applied_at is null or (d.applied_at at time zone $3)::date > ref.add_working_days(d.effective_on, $2))
            order by deadline, a.username
            """);
        command.Parameters.Add(new() { Value = asOf ?? principals.Today() });
        command.Parameters.Add(new() { Value = options.Value.RevocationWorkingDays });
        command.Parameters.Add(new() { Value = options.Value.TimeZone });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<OverdueRevocation>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(new OverdueRevocation(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateOnly>(4), reader.GetFieldValue<DateOnly>(5), reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7)));
        }
        return list;
    }

    /// <summary>Active accounts not used (no sign-in) for at least `days` days (default from Auth:UnusedAccountDays).</summary>
    [HttpGet("unused", Name = "GetUnusedAccounts")]
    [Authorize(Policy = Permissions.AuditRead)]
    [ProducesResponseType<IReadOnlyList<Account>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<ActionResult<IReadOnlyList<Account>>> Unused(int? days, CancellationToken ct)
    {
        var limit = days ?? options.Value.UnusedAccountDays;
        if (limit < 1)
        {
            return this.Invalid("days", "days must be at least 1.");
        }
        var since = DateTimeOffset.UtcNow.AddDays(-limit);
        var all = await accounts.ListAsync(null, "active", ct);
        return all.Where(a => (a.LastSignInAt ?? a.CreatedAt) <= since).ToList();
    }
}

public sealed record NewDeparture(string Kind, DateOnly EffectiveOn, DateOnly? RightsEndOn, string? NewUnitCode, string? NewPosition, string? Note);

public sealed record Departure(long Id, Guid AccountId, string Kind, DateOnly EffectiveOn, DateOnly RightsEndOn, DateOnly Deadline, bool Applied);

public sealed record OverdueRevocation(Guid AccountId, string Username, string UnitCode, string Kind, DateOnly EffectiveOn, DateOnly Deadline, DateTimeOffset RecordedAt, DateTimeOffset? AppliedAt);
