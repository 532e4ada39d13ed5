using Asp.Versioning;
using DataHub.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace DataHub.Api.Dossiers;

/// <summary>The procedures as data: deadlines in working days, workflows (who may take which step), and their forms' schemas.</summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/dossier-procedures")]
[Tags("Dossiers")]
public sealed class DossierProceduresController(NpgsqlDataSource dataSource, DossierForms forms) : ControllerBase
{
    /// <summary>Every procedure, current and past, with its deadline, workflow transitions and form.</summary>
    [HttpGet(Name = "ListDossierProcedures")]
    [Authorize(Policy = Permissions.SignedIn)]
    [ProducesResponseType<IReadOnlyList<ProcedureView>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IReadOnlyList<ProcedureView>> List(CancellationToken ct)
    {
        var transitions = new List<(string Workflow, TransitionView Transition)>();
        await using (var command = dataSource.CreateCommand("select workflow, from_state, action, to_state, permission from dossiers.transitions order by workflow, from_state, action"))
        await using (var r = await command.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                transitions.Add((r.GetString(0), new TransitionView(r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4))));
            }
        }
        var procedures = new List<ProcedureView>();
        await using (var command = dataSource.CreateCommand(
            "select code, name_vi, name_en, deadline_days, workflow, change_kind, form_version, valid_from, valid_to from dossiers.procedures order by code, valid_from"))
        await using (var r = await command.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var (code, workflow, version) = (r.GetString(0), r.GetString(4), r.GetString(6));
                procedures.Add(new ProcedureView(code, r.GetString(1), r.GetString(2), r.GetInt32(3), workflow, r.GetString(5), version,
                    r.GetFieldValue<DateOnly>(7), r.IsDBNull(8) ? null : r.GetFieldValue<DateOnly>(8),
                    $"{Collections.OgcLinks.Base(Request)}/api/v1/dossier-procedures/{code}/forms/{version}",
                    [.. transitions.Where(t => t.Workflow == workflow).Select(t => t.Transition)]));
            }
        }
        return procedures;
    }

    /// <summary>A procedure's form schema (JSON Schema 2020-12): what the one-stop shop fills in and intake checks.</summary>
    [HttpGet("{code}/forms/{formVersion}", Name = "GetDossierFormSchema")]
    [AllowAnonymous]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public IActionResult Schema(string code, string formVersion) =>
        forms.Find(code, formVersion) is { } form
            ? Content(form.Root.GetRawText(), "application/schema+json")
            : Problem(statusCode: 404, title: "Unknown form", detail: $"Procedure '{code}' has no form version '{formVersion}'.");
}
