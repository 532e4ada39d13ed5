using System.Text.Json;
using Asp.Versioning;
using DataHub.Api.Infrastructure.Auth;
using DataHub.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace DataHub.Api.Dossiers;

/// <summary>
/// The electronic workflow of a dossier: steps (the transitions of its procedure's workflow, each
/// needing its own permission), the apology and new return date of a late dossier, and the tax
/// authority's notices and payment confirmations.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/dossiers/{id:guid}")]
[Tags("Dossiers")]
public sealed class DossierStepsController(DossierWorkflow workflow, DossierForms forms, DossierClock clock, NpgsqlDataSource dataSource) : ControllerBase
{
    /// <summary>The steps taken so far, oldest first: action, states, who, when, note.</summary>
    [HttpGet("steps", Name = "GetDossierSteps")]
    [Authorize(Policy = Permissions.DossiersRead)]
    [ProducesResponseType<IReadOnlyList<StepView>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Steps(Guid id, CancellationToken ct)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            if (await DossierStore.FindAsync(connection, null, id, clock.Today, ct) is not { } row || !DossierAudience.Of(User).Sees(row))
            {
                return DossierViews.NotFound(this, id);
            }
        }
        await using var command = dataSource.CreateCommand("""
            select s.id, s.at, s.from_state, s.action, s.to_state, s.actor, s.note, s.data::text, d.id is not null
            from (select $1::uuid as id) k
            left join dossiers.dossiers d on d.id = k.id
            left join dossiers.steps s on s.dossier_id = d.id
            order by s.at, s.id
            """);
        command.Parameters.Add(new() { Value = id });
        var steps = new List<StepView>();
        var found = false;
        await using var r = await command.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            found = r.GetBoolean(8);
            if (!r.IsDBNull(0))
            {
                steps.Add(new StepView(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3),
                    r.GetString(4), r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
                    r.IsDBNull(7) ? null : JsonDocument.Parse(r.GetString(7)).RootElement.Clone()));
            }
        }
        return found ? Ok(steps) : DossierViews.NotFound(this, id);
    }

    /// <summary>
    /// Takes a step: {"action": "accept", "note": "..."}. Only the actions the dossier's workflow
    /// allows from its current state (listed in the dossier as allowedActions), each needing its
    /// permission; anything else is 409 naming the state and the allowed actions. approve applies
    /// the result to the land database (data: the new parcels of a split).
    /// </summary>
    [HttpPost("steps", Name = "TakeDossierStep")]
    [Authorize(Policy = Permissions.DossiersRead)]
    [ProducesResponseType<DossierView>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public async Task<IActionResult> Step(Guid id, [FromBody] StepRequest step, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(step.Action))
        {
            return Infrastructure.Api.QueryProblems.Invalid(this, "action", "Required: the action to take, one of the dossier's allowedActions.");
        }
        return Answer(id, step.Action, await workflow.StepAsync(id, step, User, ct));
    }

    private IActionResult Answer(Guid id, string action, DossierWorkflow.Outcome outcome)
    {
        switch (outcome)
        {
            case DossierWorkflow.Done done:
                return Ok(DossierViews.View(Request, done.Dossier, forms, clock.Today));
            case DossierWorkflow.NotFound:
                return DossierViews.NotFound(this, id);
            case DossierWorkflow.Illegal illegal:
                var allowed = illegal.Allowed.Select(a => a.Action).ToList();
                var problem = Problem(statusCode: StatusCodes.Status409Conflict, title: "Step not allowed in this state",
                    detail: $"Dossier {id} is '{illegal.State}': '{action}' is not allowed from there. Allowed: {(allowed.Count == 0 ? "none (the dossier is closed)" : string.Join(", ", allowed))}.");
                ((ProblemDetails)problem.Value!).Extensions["currentState"] = illegal.State;
                ((ProblemDetails)problem.Value!).Extensions["allowedActions"] = allowed;
                return problem;
            case DossierWorkflow.Forbidden forbidden:
                return Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                    detail: $"'{action}' needs the right '{forbidden.Permission}', which the caller's roles do not give.");
            case DossierWorkflow.Refused refused:
                return DossierViews.Invalid(this, refused.Problems, $"'{action}' cannot be applied; nothing was changed");
            default:
                throw new InvalidOperationException("unknown step outcome");
        }
    }

    /// <summary>
    /// Records the apology and new return date (phiếu xin lỗi và hẹn lại ngày trả kết quả) of a
    /// dossier that will be late; the one-stop shop is told so that it can hand it to the applicant.
    /// </summary>
    [HttpPost("apologies", Name = "ApologiseForDossier")]
    [Authorize(Policy = Permissions.DossiersProcess)]
    [ProducesResponseType<DossierView>(StatusCodes.Status201Created, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public async Task<IActionResult> Apologise(Guid id, [FromBody] ApologyRequest request, CancellationToken ct)
    {
        var today = clock.Today;
        await using var write = await WriteTransaction.BeginAsync(dataSource, User.Actor(), ct);
        if (await write.ScalarAsync<string>("select state from dossiers.dossiers where id = $1 for update", ct, id) is null)
        {
            return DossierViews.NotFound(this, id);
        }
        var dossier = (await DossierStore.FindAsync(write.Connection, write.Transaction, id, today, ct))!;
        if (!DossierAudience.Of(User).Sees(dossier))
        {
            return DossierViews.NotFound(this, id);
        }
        if (dossier.Final)
        {
            return Problem(statusCode: 409, title: "Dossier closed", detail: $"Dossier {id} is '{dossier.State}': there is nothing left to be late for.");
        }
        var problems = new List<FieldProblem>();
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            problems.Add(new("/reason", "Required: why the dossier will be late."));
        }
        var promised = dossier.PromisedOn ?? dossier.DueOn;
        if (request.NewReturnOn is not { } newDate || newDate <= promised || newDate < today)
        {
            problems.Add(new("/newReturnOn", $"Required: a date after the date promised so far ({promised:yyyy-MM-dd}) and not before today."));
        }
        if (problems.Count > 0)
        {
            return DossierViews.Invalid(this, problems, "The apology is not valid; nothing was written");
        }
        await write.ExecuteAsync("""
            insert into dossiers.apologies (dossier_id, reason, due_on, new_return_on, issued_by, issued_at) values ($1, $2, $3, $4, $5, $6)
            """, ct, id, request.Reason, promised, request.NewReturnOn, User.Actor(), clock.Now);
        await DossierMessages.WriteAsync(write, id, DossierMessages.OneStopShop, "apology", new
        {
            dossierId = id, dossierNumber = dossier.DossierNumber, reason = request.Reason, dueOn = promised, newReturnOn = request.NewReturnOn,
        }, ct);
        await write.CommitAsync("dossier.apology", $"dossier:{id}", new { dueOn = promised, request.NewReturnOn }, ct);
        var view = DossierViews.View(Request, (await DossierStore.FindAsync(write.Connection, null, id, today, ct))!, forms, today);
        return Created(view.Links[0].Href, view);
    }

    // dossiers.tax_notices.amount_vnd is numeric(18, 0).
    private const decimal MaxAmountVnd = 1_000_000_000_000_000_000m;

    /// <summary>
    /// The tax authority's answer: a notice (thông báo nộp tiền, recorded and passed to the
    /// one-stop shop) or a payment confirmation (moves the dossier to obligation-fulfilled).
    /// Idempotent by kind and reference.
    /// </summary>
    [HttpPost("tax-notices", Name = "ReceiveTaxNotice")]
    [Authorize(Policy = Permissions.DossiersTax)]
    [ProducesResponseType<DossierView>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public async Task<IActionResult> TaxNotice(Guid id, [FromBody] TaxNoticeRequest request, CancellationToken ct)
    {
        var problems = new List<FieldProblem>();
        if (request.Kind is not ("notice" or "payment"))
        {
            problems.Add(new("/kind", "Must be notice or payment."));
        }
        if (string.IsNullOrWhiteSpace(request.Reference) || request.Reference.Length > 100)
        {
            problems.Add(new("/reference", "Required: the tax authority's number of the notice or receipt (at most 100 characters)."));
        }
        if (request.AmountVnd is < 0 or >= MaxAmountVnd || request.AmountVnd is { } amount && amount != decimal.Truncate(amount))
        {
            problems.Add(new("/amountVnd", "Must be a whole number of đồng from 0 to 999,999,999,999,999,999."));
        }
        if (problems.Count > 0)
        {
            return DossierViews.Invalid(this, problems, "The tax notice is not valid; nothing was written");
        }

        await using var write = await WriteTransaction.BeginAsync(dataSource, User.Actor(), ct);
        if (await write.ScalarAsync<string>("select state from dossiers.dossiers where id = $1 for update", ct, id) is not { } state)
        {
            return DossierViews.NotFound(this, id);
        }
        var inserted = await write.ExecuteAsync("""
            insert into dossiers.tax_notices (dossier_id, kind, reference, amount_vnd, received_by, received_at, data)
            values ($1, $2, $3, $4, $5, $6, $7::jsonb)
            on conflict (dossier_id, kind, reference) do nothing
            """, ct, id, request.Kind, request.Reference, request.AmountVnd, User.Actor(), clock.Now,
            JsonSerializer.Serialize(request, JsonSerializerOptions.Web));
        if (inserted == 0)
        {
            // Sent again: written once, answered with the dossier as it is.
            await write.Transaction.RollbackAsync(ct);
            Response.Headers["Idempotent-Replayed"] = "true";
            return Ok(DossierViews.View(Request, (await DossierStore.FindAsync(write.Connection, null, id, clock.Today, ct))!, forms, clock.Today));
        }
        if (state != "waiting-for-financial-obligation")
        {
            return Problem(statusCode: 409, title: "Not waiting for the tax authority",
                detail: $"Dossier {id} is '{state}': tax notices and payments are taken only while it is waiting-for-financial-obligation.");
        }
        if (request.Kind == "notice")
        {
            var number = await write.ScalarAsync<string>("select sender_number from dossiers.dossiers where id = $1", ct, id);
            await DossierMessages.WriteAsync(write, id, DossierMessages.OneStopShop, "tax-notice", new
            {
                dossierId = id, dossierNumber = number, reference = request.Reference, amountVnd = request.AmountVnd, details = request.Details,
            }, ct);
            await write.CommitAsync("dossier.tax-notice", $"dossier:{id}", new { request.Reference, request.AmountVnd }, ct);
            return Ok(DossierViews.View(Request, (await DossierStore.FindAsync(write.Connection, null, id, clock.Today, ct))!, forms, clock.Today));
        }
        var outcome = await workflow.StepAsync(write, id, new StepRequest("confirm-payment", $"Paid: {request.Reference}", request.Details), User, ct);
        if (outcome is DossierWorkflow.Done)
        {
            await write.CommitAsync("dossier.step", $"dossier:{id}", new { action = "confirm-payment", request.Reference }, ct);
            outcome = new DossierWorkflow.Done((await DossierStore.FindAsync(write.Connection, null, id, clock.Today, ct))!);
        }
        return Answer(id, "confirm-payment", outcome);
    }
}
