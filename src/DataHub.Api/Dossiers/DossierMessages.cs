using System.Text.Json;
using DataHub.Api.Infrastructure.Database;

namespace DataHub.Api.Dossiers;

/// <summary>
/// What the tax authority and the one-stop shop must hear about a dossier, written to
/// dossiers.messages in the step's own transaction (nothing is sent from a request handler).
/// Contracts: docs/integrations.md.
/// </summary>
public static class DossierMessages
{
    public const string TaxAuthority = "tax-authority";
    public const string OneStopShop = "one-stop-shop";

    public static async Task ForStepAsync(WriteTransaction write, DossierStore.Row dossier, AllowedAction transition, StepRequest step,
        object? applied, DateTimeOffset at, CancellationToken ct)
    {
        if (transition.Action == "send-to-tax")
        {
            await WriteAsync(write, dossier.Id, TaxAuthority, "financial-obligation-information", await TaxInformationAsync(write, dossier, step, at, ct), ct);
        }
        // The one-stop shop hears of every step it did not take itself.
        if (transition.Permission != "dossiers.intake")
        {
            await WriteAsync(write, dossier.Id, OneStopShop, applied is null ? "status" : "result", new
            {
                dossierId = dossier.Id,
                dossierNumber = dossier.DossierNumber,
                procedureCode = dossier.ProcedureCode,
                action = transition.Action,
                state = transition.To,
                note = step.Note,
                at,
                result = applied,
            }, ct);
        }
    }

    public static async Task WriteAsync(WriteTransaction write, Guid dossier, string target, string kind, object payload, CancellationToken ct) =>
        await write.ExecuteAsync("insert into dossiers.messages (dossier_id, target, kind, payload) values ($1, $2, $3, $4::jsonb)", ct,
            dossier, target, kind, JsonSerializer.Serialize(payload, JsonSerializerOptions.Web));

    // Phiếu chuyển thông tin để xác định nghĩa vụ tài chính: the parcels as registered, the
    // applicant (the taxpayer: the tax authority's legal basis for the personal data), the form
    // (contract and declared price) and what the officer added in the step.
    private static async Task<object> TaxInformationAsync(WriteTransaction write, DossierStore.Row dossier, StepRequest step, DateTimeOffset at, CancellationToken ct)
    {
        var parcels = await write.ScalarAsync<string>("""
            select coalesce(jsonb_agg(jsonb_build_object(
                     'communeCode', p.commune_code, 'mapSheet', p.map_sheet, 'parcelNo', p.parcel_no, 'areaM2', p.area_m2, 'address', p.address,
                     'landUses', (select jsonb_agg(jsonb_build_object('purposeCode', u.purpose_code, 'areaM2', u.area_m2, 'longTerm', u.long_term, 'useUntil', u.use_until))
                                  from land.land_uses u where u.parcel_id = p.id))), '[]')::text
            from dossiers.parcels x join land.parcels p on p.id = x.parcel_id
            where x.dossier_id = $1
            """, ct, dossier.Id);
        var applicant = await write.ScalarAsync<string>("""
            select jsonb_build_object('fullName', full_name, 'idKind', id_kind, 'idNumber', id_number, 'birthYear', birth_year, 'address', address)::text
            from personal.dossier_applicants where dossier_id = $1
            """, ct, dossier.Id);
        return new
        {
            dossierId = dossier.Id,
            dossierNumber = dossier.DossierNumber,
            procedureCode = dossier.ProcedureCode,
            sentAt = at,
            parcels = JsonDocument.Parse(parcels ?? "[]").RootElement,
            certificates = dossier.Certificates,
            taxpayer = applicant is null ? (JsonElement?)null : JsonDocument.Parse(applicant).RootElement,
            form = dossier.Form,
            officer = step.Data,
            note = step.Note,
        };
    }
}
