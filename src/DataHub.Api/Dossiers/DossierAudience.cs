using System.Security.Claims;
using DataHub.Api.Infrastructure.Auth;

namespace DataHub.Api.Dossiers;

/// <summary>
/// Which dossiers a caller sees, by its rights and unit: the one-stop shop the dossiers it sent,
/// the land registration office those of its own unit, the tax authority those sent to it.
/// Another's dossier is as unknown as a missing one (404).
/// </summary>
public sealed record DossierAudience(string Actor, string? Unit, bool Intake, bool Process, bool Tax)
{
    public static DossierAudience Of(ClaimsPrincipal user) => new(user.Actor(), user.UnitCode(),
        user.Has(Permissions.DossiersIntake), user.Has(Permissions.DossiersProcess) || user.Has(Permissions.DossiersApprove), user.Has(Permissions.DossiersTax));

    public bool Sees(DossierStore.Row dossier) =>
        (Intake && dossier.Sender == Actor) || (Process && Unit is not null && dossier.UnitCode == Unit) || (Tax && dossier.SentToTax);
}
