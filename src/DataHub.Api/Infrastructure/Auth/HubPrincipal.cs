using System.Security.Claims;

namespace DataHub.Api.Infrastructure.Auth;

/// <summary>Who is calling, as the hub writes it into history (written_by) and the audit trail.</summary>
public static class HubPrincipal
{
    public const string UnitClaim = "datahub:unit";
    public const string PasswordChangeClaim = "datahub:password-change";

    /// <summary>"account:&lt;uuid&gt;" or "client:&lt;id&gt;"; "anonymous" before sign-in.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.FindFirstValue("sub") ?? "anonymous";

    public static string? UnitCode(this ClaimsPrincipal user) => user.FindFirstValue(UnitClaim);

    public static Guid? AccountId(this ClaimsPrincipal user) =>
        user.Actor() is var actor && actor.StartsWith("account:", StringComparison.Ordinal) && Guid.TryParse(actor["account:".Length..], out var id)
            ? id : null;
}
