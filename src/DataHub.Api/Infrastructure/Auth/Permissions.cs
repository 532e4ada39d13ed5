using System.Security.Claims;

namespace DataHub.Api.Infrastructure.Auth;

/// <summary>
/// The rights an endpoint can ask for. Roles are data (access.roles, access.role_permissions):
/// the department decides which function carries which right; the code only names the rights.
/// Each permission is also the name of the authorization policy that requires it.
/// </summary>
public static class Permissions
{
    public const string DataRead = "data.read";
    public const string DataSubmit = "data.submit";
    public const string RequestsReview = "requests.review";
    public const string RequestsFile = "requests.file";
    public const string RequestsManage = "requests.manage";
    public const string AccountsManage = "accounts.manage";
    public const string AccountsManageUnit = "accounts.manage-unit";
    public const string UnitsManage = "units.manage";
    public const string ClientsManage = "clients.manage";
    public const string AuditRead = "audit.read";
    public const string OperationsManage = "operations.manage";
    public const string DossiersIntake = "dossiers.intake";
    public const string DossiersRead = "dossiers.read";
    public const string DossiersProcess = "dossiers.process";
    public const string DossiersApprove = "dossiers.approve";
    public const string DossiersTax = "dossiers.tax";
    public const string PersonalRead = "personal.read";

    /// <summary>The only right of a person whose password must be changed first.</summary>
    public const string PasswordChange = "password.change";

    /// <summary>Any signed-in principal (its own profile, changing its own password).</summary>
    public const string SignedIn = "signed-in";

    /// <summary>Any valid token, including one held to a password change.</summary>
    public const string AnyPrincipal = "any-principal";

    public static readonly IReadOnlyList<string> All =
        [DataRead, DataSubmit, RequestsReview, RequestsFile, RequestsManage, AccountsManage, AccountsManageUnit, UnitsManage, ClientsManage, AuditRead, OperationsManage,
         DossiersIntake, DossiersRead, DossiersProcess, DossiersApprove, DossiersTax, PersonalRead];

    /// <summary>Claim type carrying one right: "data.submit" (every dataset) or "data.submit@parcels".</summary>
    public const string ClaimType = "datahub:perm";

    /// <summary>Whether the caller holds the right for some dataset (or for all of them).</summary>
    public static bool Has(this ClaimsPrincipal user, string permission) =>
        user.FindAll(ClaimType).Any(c => c.Value == permission || c.Value.StartsWith(permission + "@", StringComparison.Ordinal));

    /// <summary>Whether the caller holds the right for this dataset.</summary>
    public static bool Has(this ClaimsPrincipal user, string permission, string datasetId) =>
        user.HasClaim(ClaimType, permission) || user.HasClaim(ClaimType, $"{permission}@{datasetId}");
}
