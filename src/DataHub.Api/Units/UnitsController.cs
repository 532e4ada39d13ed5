using Asp.Versioning;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Auth;
using DataHub.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace DataHub.Api.Units;

/// <summary>
/// Organisational units (the department, other departments, People's Committees, the tax
/// authority, the service center, the Ministry, the IOC) as a tree with validity dates. A rename
/// is a new version of the same code; a merger ends units and names their successor.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/units")]
[Tags("Units")]
public sealed class UnitsController(NpgsqlDataSource dataSource) : ControllerBase
{
    /// <summary>Units valid on a day (default today), or every version with `all=true`.</summary>
    [HttpGet(Name = "GetUnits")]
    [Authorize(Policy = Permissions.SignedIn)]
    [ProducesResponseType<IReadOnlyList<Unit>>(StatusCodes.Status200OK, "application/json")]
    public Task<List<Unit>> GetUnits(DateOnly? date, bool all = false, CancellationToken ct = default) =>
        QueryAsync("where $1 or (valid_from <= $2 and (valid_to is null or valid_to > $2))", ct, all, date ?? DateOnly.FromDateTime(DateTime.UtcNow));

    /// <summary>Every version of one unit, and its predecessors and successors.</summary>
    [HttpGet("{code}", Name = "GetUnit")]
    [Authorize(Policy = Permissions.SignedIn)]
    [ProducesResponseType<UnitHistory>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<UnitHistory>> GetUnit(string code, CancellationToken ct)
    {
        var versions = await QueryAsync("where code = $1", ct, code);
        if (versions.Count == 0)
        {
            return Problem(statusCode: StatusCodes.Status404NotFound, title: "No such unit", detail: $"There is no unit '{code}'.");
        }
        await using var command = dataSource.CreateCommand("""
            select old_code, new_code, effective_on from access.unit_successions where old_code = $1 or new_code = $1 order by effective_on
            """);
        command.Parameters.Add(new() { Value = code });
        var successions = new List<UnitSuccession>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                successions.Add(new UnitSuccession(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2)));
            }
        }
        return new UnitHistory(code, versions, successions);
    }

    /// <summary>Adds a unit, or a new version of one (a rename or a move in the tree from validFrom).</summary>
    [HttpPost(Name = "SaveUnit")]
    [Authorize(Policy = Permissions.UnitsManage)]
    [Consumes("application/json")]
    [ProducesResponseType<Unit>(StatusCodes.Status201Created, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<ActionResult<Unit>> Save(UnitVersion request, CancellationToken ct)
    {
        await using var write = await WriteTransaction.BeginAsync(dataSource, User.Actor(), ct);
        var problems = new Dictionary<string, string[]>();
        if (!System.Text.RegularExpressions.Regex.IsMatch(request.Code, @"^[a-z0-9][a-z0-9-]{1,39}\z"))
        {
            problems["code"] = ["A unit code is 2 to 40 lower-case letters, digits and hyphens."];
        }
        if (!await write.ScalarAsync<bool>("select ref.code_valid('unit_kind', $1, $2)", ct, request.Kind, request.ValidFrom))
        {
            problems["kind"] = [$"'{request.Kind}' is not a kind of unit on {request.ValidFrom:yyyy-MM-dd} (code list unit_kind)."];
        }
        if (request.ParentCode is { } parent && !await write.UnitExistsAsync(parent, request.ValidFrom, ct))
        {
            problems["parentCode"] = [$"There is no unit '{parent}' valid on {request.ValidFrom:yyyy-MM-dd}."];
        }
        if (problems.Count > 0)
        {
            return this.Invalid(problems, "The unit is not valid");
        }
        await write.LockAsync($"unit:{request.Code}", ct);
        // The version valid on that day (if any) ends where the new one starts.
        var ended = await write.ExecuteAsync("""
            update access.units set valid_to = $2
            where code = $1 and valid_from < $2 and (valid_to is null or valid_to > $2)
            """, ct, request.Code, request.ValidFrom);
        if (await write.ScalarAsync<bool>("select exists (select 1 from access.units where code = $1 and valid_from >= $2)", ct, request.Code, request.ValidFrom))
        {
            return this.Invalid("validFrom", $"Unit '{request.Code}' already has a version from {request.ValidFrom:yyyy-MM-dd} or later; add versions in date order.");
        }
        await write.ExecuteAsync("""
            insert into access.units (code, name, kind, parent_code, valid_from, source_document) values ($1, $2, $3, $4, $5, $6)
            """, ct, request.Code, request.Name, request.Kind, request.ParentCode, request.ValidFrom, request.SourceDocument);
        await write.CommitAsync(ended > 0 ? "unit.changed" : "unit.created", $"unit:{request.Code}", request, ct);
        var unit = (await QueryAsync("where code = $1 and valid_from = $2", ct, request.Code, request.ValidFrom))[0];
        return CreatedAtRoute("GetUnit", new { code = request.Code, version = "1" }, unit);
    }

    /// <summary>Ends units on a day and names their successor (a merger); the successor's accounts carry on.</summary>
    [HttpPost("successions", Name = "RecordUnitSuccession")]
    [Authorize(Policy = Permissions.UnitsManage)]
    [Consumes("application/json")]
    [ProducesResponseType<UnitHistory>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<ActionResult<UnitHistory>> Succeed(NewSuccession request, CancellationToken ct)
    {
        await using var write = await WriteTransaction.BeginAsync(dataSource, User.Actor(), ct);
        foreach (var code in request.OldCodes.Append(request.NewCode))
        {
            var day = code == request.NewCode ? request.EffectiveOn : request.EffectiveOn.AddDays(-1);
            if (!await write.UnitExistsAsync(code, day, ct))
            {
                return this.Invalid(code == request.NewCode ? "newCode" : "oldCodes", $"There is no unit '{code}' valid on {day:yyyy-MM-dd}.");
            }
        }
        foreach (var old in request.OldCodes)
        {
            await write.ExecuteAsync("update access.units set valid_to = $2 where code = $1 and (valid_to is null or valid_to > $2) and valid_from < $2", ct, old, request.EffectiveOn);
            await write.ExecuteAsync("insert into access.unit_successions (old_code, new_code, effective_on, source_document) values ($1, $2, $3, $4) on conflict do nothing",
                ct, old, request.NewCode, request.EffectiveOn, request.SourceDocument);
            // People and clients of the ended unit belong to its successor from now on.
            await write.ExecuteAsync("update access.accounts set unit_code = $2 where unit_code = $1", ct, old, request.NewCode);
            await write.ExecuteAsync("update access.clients set unit_code = $2 where unit_code = $1", ct, old, request.NewCode);
        }
        await write.CommitAsync("unit.succeeded", $"unit:{request.NewCode}", request, ct);
        return (await GetUnit(request.NewCode, ct)).Value!;
    }

    private async Task<List<Unit>> QueryAsync(string where, CancellationToken ct, params object?[] values)
    {
        await using var command = dataSource.CreateCommand($"""
            select code, name, kind, parent_code, valid_from, valid_to, source_document from access.units {where} order by code, valid_from
            """);
        command.AddValues(values);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var units = new List<Unit>();
        while (await reader.ReadAsync(ct))
        {
            units.Add(new Unit(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetFieldValue<DateOnly>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateOnly>(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }
        return units;
    }
}

public sealed record Unit(string Code, string Name, string Kind, string? ParentCode, DateOnly ValidFrom, DateOnly? ValidTo, string? SourceDocument);

public sealed record UnitVersion(string Code, string Name, string Kind, string? ParentCode, DateOnly ValidFrom, string? SourceDocument);

public sealed record NewSuccession(IReadOnlyList<string> OldCodes, string NewCode, DateOnly EffectiveOn, string? SourceDocument);

public sealed record UnitSuccession(string OldCode, string NewCode, DateOnly EffectiveOn);

public sealed record UnitHistory(string Code, IReadOnlyList<Unit> Versions, IReadOnlyList<UnitSuccession> Successions);
