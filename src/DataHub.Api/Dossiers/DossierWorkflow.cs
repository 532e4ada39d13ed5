using System.Security.Claims;
using System.Text.Json;
using DataHub.Api.Infrastructure.Auth;
using DataHub.Api.Infrastructure.Database;
using Npgsql;

namespace DataHub.Api.Dossiers;

/// <summary>
/// Takes a step of a dossier's workflow: only a transition listed in dossiers.transitions for the
/// dossier's procedure and current state, by a caller holding its permission. Approving applies
/// the result to the land database in the same transaction; the partners' messages are written
/// there too, so a step, its change and its messages commit or vanish together.
/// </summary>
public sealed class DossierWorkflow(NpgsqlDataSource dataSource, DossierClock clock, DossierResults results)
{
    public abstract record Outcome;
    public sealed record Done(DossierStore.Row Dossier) : Outcome;
    public sealed record NotFound : Outcome;
    public sealed record Illegal(string State, IReadOnlyList<AllowedAction> Allowed) : Outcome;
    public sealed record Forbidden(string Permission) : Outcome;
    public sealed record Refused(IReadOnlyList<FieldProblem> Problems) : Outcome;

    public async Task<Outcome> StepAsync(Guid id, StepRequest step, ClaimsPrincipal user, CancellationToken ct)
    {
        await using var write = await WriteTransaction.BeginAsync(dataSource, user.Actor(), ct);
        var outcome = await StepAsync(write, id, step, user, ct);
        if (outcome is Done)
        {
            await write.CommitAsync("dossier.step", $"dossier:{id}", new { step.Action, step.Note }, ct);
            return new Done((await DossierStore.FindAsync(write.Connection, null, id, clock.Today, ct))!);
        }
        return outcome;
    }

    /// <summary>The step inside a caller's transaction (the tax endpoint records its notice in the same one).</summary>
    public async Task<Outcome> StepAsync(WriteTransaction write, Guid id, StepRequest step, ClaimsPrincipal user, CancellationToken ct)
    {
        // The row lock orders concurrent steps of one dossier: the second sees the first's state.
        if (await write.ScalarAsync<string>("select state from dossiers.dossiers where id = $1 for update", ct, id) is null)
        {
            return new NotFound();
        }
        var dossier = (await DossierStore.FindAsync(write.Connection, write.Transaction, id, clock.Today, ct))!;
        if (!DossierAudience.Of(user).Sees(dossier))
        {
            return new NotFound();
        }
        var transition = dossier.Transitions.FirstOrDefault(t => t.Action == step.Action);
        if (transition is null)
        {
            return new Illegal(dossier.State, dossier.Transitions);
        }
        if (!user.Has(transition.Permission))
        {
            return new Forbidden(transition.Permission);
        }

        var now = clock.Now;
        object? applied = null;
        if (step.Action == "approve")
        {
            var (result, problems) = await results.ApplyAsync(write, dossier, step.Data, clock.Today, ct);
            if (problems.Count > 0)
            {
                return new Refused(problems);
            }
            applied = result;
            await write.ExecuteAsync("update dossiers.dossiers set result = $2::jsonb where id = $1", ct, id, JsonSerializer.Serialize(result, JsonSerializerOptions.Web));
        }

        await write.ExecuteAsync("""
            insert into dossiers.steps (dossier_id, at, from_state, action, to_state, actor, note, data)
            values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
            """, ct, id, now, dossier.State, transition.Action, transition.To, user.Actor(), step.Note,
            step.Data is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } data ? data.GetRawText() : null);
        await write.ExecuteAsync("update dossiers.dossiers set state = $2, updated_at = $3 where id = $1", ct, id, transition.To, now);
        await DossierMessages.ForStepAsync(write, dossier, transition, step, applied, now, ct);
        return new Done(dossier);
    }
}
