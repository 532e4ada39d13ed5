using DataHub.Api.Units;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataHub.Api.Infrastructure.Database;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DataHub.Api.Dossiers;

/// <summary>
/// Intake: check the dossier (envelope and form), then write it, its applicant, parcels,
/// certificates, documents and first step in one transaction. Idempotent by the sender's
/// dossier number: the same number with the same body is answered from the first intake, with
/// another body it is refused (409).
/// </summary>
public sealed class DossierIntake(NpgsqlDataSource dataSource, DossierForms forms, DossierClock clock, IOptions<DossierSettings> settings)
{
    public abstract record Outcome;
    public sealed record Created(DossierStore.Row Dossier) : Outcome;
    public sealed record Replayed(DossierStore.Row Dossier) : Outcome;
    public sealed record Conflict(DossierStore.Row Dossier) : Outcome;
    public sealed record Invalid(IReadOnlyList<FieldProblem> Problems) : Outcome;

    private static readonly HashSet<string> Channels = ["counter", "online", "post"];

    private long MaxDocumentBytes => settings.Value.MaxDocumentBytes;

    private static string Digest(DossierIntakeRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, JsonSerializerOptions.Web)));

    /// <summary>The element with every object's properties in ordinal order (arrays keep theirs).</summary>
    private static JsonElement Sorted(JsonElement element)
    {
        static JsonNode? Node(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => new JsonObject(e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => KeyValuePair.Create(p.Name, Node(p.Value)))),
            JsonValueKind.Array => new JsonArray([.. e.EnumerateArray().Select(Node)]),
            _ => JsonValue.Create(e),
        };
        return JsonSerializer.SerializeToElement(Node(element));
    }

    public async Task<Outcome> ReceiveAsync(DossierIntakeRequest request, string sender, CancellationToken ct)
    {
        // The body as the hub understood it, hashed: the same dossier sent again with other
        // whitespace or key order, inside the form too, is still the same dossier.
        var digest = Digest(request with { Form = request.Form is { } form ? Sorted(form) : null });
        // Dossiers received before the form's keys were sorted were hashed with them as sent.
        var asSent = Digest(request);
        bool Same(DossierStore.Row earlier) => earlier.BodySha256 == digest || earlier.BodySha256 == asSent;
        var today = clock.Today;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (request.DossierNumber is { Length: > 0 } number
            && await DossierStore.FindBySenderAsync(connection, null, sender, number, today, ct) is { } earlier)
        {
            return Same(earlier) ? new Replayed(earlier) : new Conflict(earlier);
        }

        var problems = new List<FieldProblem>();
        var procedure = await CheckAsync(connection, request, problems, ct);
        if (problems.Count > 0 || procedure is null)
        {
            return new Invalid(problems);
        }

        var id = Guid.CreateVersion7();
        await using var write = await WriteTransaction.BeginAsync(dataSource, sender, ct);
        var claimed = await write.ScalarAsync<Guid>("""
            insert into dossiers.dossiers (id, sender, sender_number, body_sha256, procedure_code, form_version, unit_code, commune_code,
                                           channel, received_at, received_on, deadline_days, state, form, intake_by)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ($10 at time zone 'Asia/Ho_Chi_Minh')::date, $11, 'received', $12::jsonb, $2)
            on conflict (sender, sender_number) do nothing
            returning id
            """, ct, id, sender, request.DossierNumber, digest, procedure.Code, request.FormVersion ?? procedure.FormVersion,
            request.UnitCode ?? "vpdk-dn", request.CommuneCode, request.Channel, request.ReceivedAt!.Value.ToUniversalTime(),
            procedure.DeadlineDays, request.Form!.Value.GetRawText());
        if (claimed == Guid.Empty)
        {
            // Sent twice at once: the other request won; answer as a repeat of it.
            await write.Transaction.RollbackAsync(ct);
            var other = (await DossierStore.FindBySenderAsync(connection, null, sender, request.DossierNumber!, today, ct))!;
            return Same(other) ? new Replayed(other) : new Conflict(other);
        }

        var a = request.Applicant!;
        await write.ExecuteAsync("""
            insert into personal.dossier_applicants (dossier_id, full_name, id_kind, id_number, birth_year, address, phone, email)
            values ($1, $2, $3, $4, $5, $6, $7, $8)
            """, ct, id, a.FullName, a.IdKind, a.IdNumber, a.BirthYear, a.Address, a.Phone, a.Email);
        foreach (var p in request.Parcels ?? [])
        {
            await write.ExecuteAsync("""
                insert into dossiers.parcels (dossier_id, commune_code, map_sheet, parcel_no, parcel_id)
                values ($1, $2, $3, $4, (select id from land.parcels where commune_code = $2 and map_sheet = $3 and parcel_no = $4))
                on conflict do nothing
                """, ct, id, p.CommuneCode, p.MapSheet, p.ParcelNo);
        }
        foreach (var serial in (request.Certificates ?? []).Distinct())
        {
            await write.ExecuteAsync("insert into dossiers.certificates (dossier_id, serial) values ($1, $2)", ct, id, serial);
        }
        foreach (var d in request.Documents ?? [])
        {
            await write.ExecuteAsync("""
                insert into dossiers.documents (id, dossier_id, name, title, media_type, size_bytes, sha256, content)
                values ($1, $2, $3, $4, $5, $6, $7, $8)
                """, ct, Guid.CreateVersion7(), id, d.Name, d.Title, d.MediaType, (long)d.Content!.Length,
                Convert.ToHexStringLower(SHA256.HashData(d.Content)), d.Content);
        }
        await write.ExecuteAsync("""
            insert into dossiers.steps (dossier_id, at, from_state, action, to_state, actor, note)
            values ($1, $2, null, 'receive', 'received', $3, $4)
            """, ct, id, request.ReceivedAt!.Value.ToUniversalTime(), sender, $"Received at the one-stop shop ({request.Channel}) as {request.DossierNumber}.");
        await write.CommitAsync("dossier.received", $"dossier:{id}",
            new { request.DossierNumber, procedure = procedure.Code, documents = request.Documents?.Count ?? 0 }, ct);
        return new Created((await DossierStore.FindAsync(connection, null, id, today, ct))!);
    }

    /// <summary>Every problem of the envelope and of the form, by JSON pointer into the body.</summary>
    private async Task<DossierStore.Procedure?> CheckAsync(NpgsqlConnection connection, DossierIntakeRequest r, List<FieldProblem> problems, CancellationToken ct)
    {
        void Problem(string pointer, string message) => problems.Add(new FieldProblem(pointer, message));

        if (string.IsNullOrWhiteSpace(r.DossierNumber) || r.DossierNumber.Length > 100)
        {
            Problem("/dossierNumber", "Required: the sender's own dossier number (1-100 characters), which makes a repeat harmless.");
        }
        if (r.Channel is null || !Channels.Contains(r.Channel))
        {
            Problem("/channel", $"Must be one of {string.Join(", ", Channels)}.");
        }
        if (r.CommuneCode is null || r.CommuneCode.Length != 5 || !r.CommuneCode.All(char.IsAsciiDigit))
        {
            Problem("/communeCode", "Required: the 5-digit commune code.");
        }
        if (r.ReceivedAt is not { } received)
        {
            Problem("/receivedAt", "Required: when the dossier was received (ISO 8601 with offset).");
        }
        else if (received > clock.Now.AddMinutes(5))
        {
            Problem("/receivedAt", $"{received:O} is in the future.");
        }
        if (r.UnitCode is { } unit && r.ReceivedAt is { } on)
        {
            // The receiving unit is a versioned unit (the default is the land registration office).
            if (!await ExistsAsync(connection, UnitExistence.Sql, ct,
                unit, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(on, DossierClock.Province).DateTime)))
            {
                Problem("/unitCode", $"There is no unit '{unit}' valid on the day the dossier was received (GET /api/v1/units lists them).");
            }
        }
        if (r.Applicant is not { } applicant)
        {
            Problem("/applicant", "Required: the applicant.");
        }
        else if (string.IsNullOrWhiteSpace(applicant.FullName))
        {
            Problem("/applicant/fullName", "Required.");
        }

        DossierStore.Procedure? procedure = null;
        if (string.IsNullOrWhiteSpace(r.ProcedureCode))
        {
            Problem("/procedureCode", "Required: the procedure's code, e.g. 1.013831. GET /api/v1/dossier-procedures lists them.");
        }
        else if (r.ReceivedAt is { } at)
        {
            var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, DossierClock.Province).DateTime);
            procedure = await DossierStore.ProcedureAsync(connection, null, r.ProcedureCode, day, ct);
            if (procedure is null)
            {
                Problem("/procedureCode", $"No procedure '{r.ProcedureCode}' is in force on {day:yyyy-MM-dd}. GET /api/v1/dossier-procedures lists them.");
            }
        }

        if (procedure is not null)
        {
            var version = r.FormVersion ?? procedure.FormVersion;
            if (forms.Find(procedure.Code, version) is not { } form)
            {
                Problem("/formVersion", $"Procedure {procedure.Code} has no form version '{version}'.");
            }
            else if (r.Form is not { ValueKind: JsonValueKind.Object } data)
            {
                Problem("/form", "Required: the electronic form's data, an object.");
            }
            else
            {
                // (A NUL or half a surrogate pair never gets here: RefusedCharacters.ElementConverter refused it with its place.)
                foreach (var (pointer, message) in form.Validate(data))
                {
                    Problem("/form" + pointer, message);
                }
            }
        }

        var parcels = r.Parcels ?? [];
        if (procedure is { ChangeKind: "transfer" or "split" } && parcels.Count == 0)
        {
            Problem("/parcels", "This procedure concerns at least one parcel.");
        }
        for (var i = 0; i < parcels.Count; i++)
        {
            var p = parcels[i];
            if (p.CommuneCode is null || p.MapSheet is null || p.ParcelNo is null)
            {
                Problem($"/parcels/{i}", "Each parcel needs communeCode, mapSheet and parcelNo.");
            }
            else if (!await ExistsAsync(connection, "select exists (select 1 from land.parcels where commune_code = $1 and map_sheet = $2 and parcel_no = $3)", ct,
                         p.CommuneCode, p.MapSheet.Value, p.ParcelNo.Value))
            {
                Problem($"/parcels/{i}", $"No parcel {p.CommuneCode}/{p.MapSheet}/{p.ParcelNo} (commune/sheet/parcel) is in the land database.");
            }
        }
        var certificates = r.Certificates ?? [];
        for (var i = 0; i < certificates.Count; i++)
        {
            if (!await ExistsAsync(connection, "select exists (select 1 from land.certificates where serial = $1)", ct, certificates[i]))
            {
                Problem($"/certificates/{i}", $"No certificate with serial '{certificates[i]}' is in the land database.");
            }
        }

        var documents = r.Documents ?? [];
        for (var i = 0; i < documents.Count; i++)
        {
            var d = documents[i];
            if (string.IsNullOrWhiteSpace(d.Name) || d.Name.Length > 200 || d.Name.IndexOfAny(['/', '\\']) >= 0)
            {
                Problem($"/documents/{i}/name", "Required: a file name without folders (at most 200 characters).");
            }
            if (d.MediaType is null || !System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(d.MediaType, out _))
            {
                Problem($"/documents/{i}/mediaType", "Required: the document's media type, e.g. application/pdf.");
            }
            if (d.Content is not { Length: > 0 })
            {
                Problem($"/documents/{i}/content", "Required: the document's bytes in base64.");
            }
            else if (d.Content.Length > MaxDocumentBytes)
            {
                Problem($"/documents/{i}/content", $"{d.Content.Length:N0} bytes: a document may have at most {MaxDocumentBytes:N0}.");
            }
        }
        return procedure;
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection c, string sql, CancellationToken ct, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, c);
        command.AddValues(values);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
