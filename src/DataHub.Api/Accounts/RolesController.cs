using Asp.Versioning;
using DataHub.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace DataHub.Api.Accounts;

/// <summary>The roles of this hub and the rights each gives (data, decided by the department).</summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/roles")]
[Tags("Accounts")]
public sealed class RolesController(NpgsqlDataSource dataSource) : ControllerBase
{
    [HttpGet(Name = "GetRoles")]
    [Authorize(Policy = Permissions.SignedIn)]
    [ProducesResponseType<IReadOnlyList<Role>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IReadOnlyList<Role>> GetRoles(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select r.role, r.title_vi, r.title_en, r.dataset_scoped, r.description,
                   coalesce(array_agg(p.permission order by p.permission) filter (where p.permission is not null), '{}')
            from access.roles r left join access.role_permissions p using (role)
            group by r.role order by r.role
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var roles = new List<Role>();
        while (await reader.ReadAsync(ct))
        {
            roles.Add(new Role(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetString(4), reader.GetFieldValue<string[]>(5)));
        }
        return roles;
    }
}

public sealed record Role(string Name, string TitleVi, string TitleEn, bool PerDataset, string Description, IReadOnlyList<string> Permissions);
