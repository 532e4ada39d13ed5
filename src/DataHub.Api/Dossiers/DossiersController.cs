using DataHub.Api.Infrastructure.OpenApi;
using Asp.Versioning;
using DataHub.Api.Audit;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace DataHub.Api.Dossiers;

/// <summary>
/// Land dossiers from the one-stop shop: intake (idempotent by the sender's dossier number),
/// lists and reads without personal data, the applicant's personal data and the attached
/// documents for personal.read only, each read audited. docs/dossiers.md.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/dossiers")]
[Tags("Dossiers")]
public sealed class DossiersController(DossierIntake intake, DossierForms forms, DossierClock clock, NpgsqlDataSource dataSource) : ControllerBase
{
    /// <summary>
    /// Receives a dossier from the one-stop-shop software: procedure, applicant, parcels,
    /// certificates, the electronic form (checked against its JSON Schema) and the documents
    /// (base64). 201 with the dossier; the same dossierNumber and body again: 200 with the first
    /// answer and Idempotent-Replayed; the same number with another body: 409. Problems are
    /// listed by JSON pointer (422).
    /// </summary>
    [HttpPost(Name = "ReceiveDossier")]
    [Authorize(Policy = Permissions.DossiersIntake)]
    [RequestSizeLimit(128L << 20)]
    [Consumes("application/json")]
    [ProducesResponseType<DossierView>(StatusCodes.Status201Created, "application/json")]
    [ProducesResponseType<DossierView>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public async Task<IActionResult> Receive([FromBody] DossierIntakeRequest request, CancellationToken ct)
    {
        switch (await intake.ReceiveAsync(request, User.Actor(), ct))
        {
            case DossierIntake.Created created:
                var view = DossierViews.View(Request, created.Dossier, forms, clock.Today);
                return Created(view.Links[0].Href, view);
            case DossierIntake.Replayed replayed:
                Response.Headers["Idempotent-Replayed"] = "true";
                return Ok(DossierViews.View(Request, replayed.Dossier, forms, clock.Today));
            case DossierIntake.Conflict conflict:
                var problem = Problem(statusCode: StatusCodes.Status409Conflict, title: "Dossier number already used",
                    detail: $"Dossier number '{conflict.Dossier.DossierNumber}' was received from this sender on {conflict.Dossier.ReceivedAt:u} with another body; a dossier is not changed by sending it again.");
                ((ProblemDetails)problem.Value!).Extensions["dossier"] = $"/api/v1/dossiers/{conflict.Dossier.Id}";
                return problem;
            case DossierIntake.Invalid invalid:
                return DossierViews.Invalid(this, invalid.Problems, "The dossier is not valid; nothing was written");
            default:
                throw new InvalidOperationException("unknown intake outcome");
        }
    }

    /// <summary>Dossiers by state, procedure, commune, unit, parcel, due date or lateness, oldest first.</summary>
    /// <param name="state">A state, e.g. in-processing.</param>
    /// <param name="procedure">A procedure code, e.g. 1.013831.</param>
    /// <param name="commune">A commune code.</param>
    /// <param name="unit">The processing unit.</param>
    /// <param name="parcel">A parcel's id in the land database.</param>
    /// <param name="overdue">true: only late ones; false: only those on time.</param>
    /// <param name="dueBefore">Only those due before this date.</param>
    /// <param name="limit">1-1000, default 100.</param>
    /// <param name="offset">Rows to skip.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet(Name = "ListDossiers")]
    [Authorize(Policy = Permissions.DossiersRead)]
    [ProducesResponseType<IReadOnlyList<DossierSummary>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> List([FromQuery] string? state, [FromQuery] string? procedure, [FromQuery] string? commune,
        [FromQuery] string? unit, [FromQuery] long? parcel, [FromQuery] bool? overdue, [FromQuery] DateOnly? dueBefore,
        [FromQuery, PageLimit(1000, 100)] int limit = 100, [FromQuery] int offset = 0, CancellationToken ct = default)
    {
        if (limit is < 1 or > 1000 || offset < 0)
        {
            return this.Invalid("limit", "limit is 1-1000 and offset 0 or more.");
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var today = clock.Today;
        var rows = await DossierStore.ListAsync(connection, new(state, procedure, commune, unit, parcel, overdue, dueBefore, limit, offset, DossierAudience.Of(User)), today, ct);
        return Ok(rows.Select(r => DossierViews.Summary(r, today)).ToList());
    }

    /// <summary>One dossier: state, due date, lateness, allowed actions, documents, the form without its personal fields.</summary>
    [HttpGet("{id:guid}", Name = "GetDossier")]
    [Authorize(Policy = Permissions.DossiersRead)]
    [ProducesResponseType<DossierView>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Get(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await DossierStore.FindAsync(connection, null, id, clock.Today, ct) is { } row && DossierAudience.Of(User).Sees(row)
            ? Ok(DossierViews.View(Request, row, forms, clock.Today))
            : DossierViews.NotFound(this, id);
    }

    /// <summary>The applicant and the form's personal fields (personal data): the read is recorded in the audit trail.</summary>
    [HttpGet("{id:guid}/applicant", Name = "GetDossierApplicant")]
    [Authorize(Policy = Permissions.PersonalRead)]
    [ProducesResponseType<ApplicantView>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Applicant(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await DossierStore.FindAsync(connection, null, id, clock.Today, ct) is not { } row || !DossierAudience.Of(User).Sees(row))
        {
            return DossierViews.NotFound(this, id);
        }
        await using var command = new NpgsqlCommand(
            "select full_name, id_kind, id_number, birth_year, address, phone, email from personal.dossier_applicants where dossier_id = $1", connection);
        command.Parameters.Add(new() { Value = id });
        ApplicantData? applicant = null;
        await using (var r = await command.ExecuteReaderAsync(ct))
        {
            if (await r.ReadAsync(ct))
            {
                string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
                applicant = new ApplicantData(r.GetString(0), S(1), S(2), r.IsDBNull(3) ? null : r.GetInt32(3), S(4), S(5), S(6));
            }
        }
        await AuditTrail.AppendAsync(dataSource, User.Actor(), "personal.read", $"dossier:{id}", new { what = "applicant and personal form fields" }, ct);
        return Ok(new ApplicantView(id, applicant!, DossierFormPage.PersonalFields(forms, row)));
    }

    /// <summary>The electronic form as a printable page; its personal fields only for personal.read (and then the read is audited).</summary>
    [HttpGet("{id:guid}/form", Name = "GetDossierForm")]
    [Authorize(Policy = Permissions.DossiersRead)]
    [Produces("text/html")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Form(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await DossierStore.FindAsync(connection, null, id, clock.Today, ct) is not { } row || !DossierAudience.Of(User).Sees(row))
        {
            return DossierViews.NotFound(this, id);
        }
        var personal = User.Has(Permissions.PersonalRead);
        if (personal)
        {
            await AuditTrail.AppendAsync(dataSource, User.Actor(), "personal.read", $"dossier:{id}", new { what = "form page with personal fields" }, ct);
        }
        return DossierFormPage.Render(Request, forms, row, personal);
    }

    /// <summary>An attached document (the applicant's papers: personal data), its download recorded in the audit trail.</summary>
    [HttpGet("{id:guid}/documents/{documentId:guid}", Name = "GetDossierDocument")]
    [Authorize(Policy = Permissions.PersonalRead)]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Document(Guid id, Guid documentId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await DossierStore.FindAsync(connection, null, id, clock.Today, ct) is not { } row || !DossierAudience.Of(User).Sees(row))
        {
            return DossierViews.NotFound(this, id);
        }
        await using var command = new NpgsqlCommand(
            "select name, media_type, sha256, content from dossiers.documents where dossier_id = $1 and id = $2", connection);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = documentId });
        await using var r = await command.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            return Problem(statusCode: 404, title: "Unknown document", detail: $"Dossier {id} has no document {documentId}.");
        }
        var (name, type, sha, content) = (r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<byte[]>(3));
        await AuditTrail.AppendAsync(dataSource, User.Actor(), "dossier.document-downloaded", $"dossier:{id}", new { document = documentId, name, sha256 = sha }, ct);
        Response.Headers.ETag = $"\"{sha}\"";
        return File(content, type, name);
    }
}
