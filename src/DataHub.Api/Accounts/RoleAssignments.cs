using DataHub.Api.Infrastructure.Auth;
using DataHub.Api.Infrastructure.Database;
using System.Security.Claims;

namespace DataHub.Api.Accounts;

/// <summary>One role given to an account or a client; dataset only for per-dataset roles.</summary>
public sealed record RoleGrant(string Role, string? DatasetId);

/// <summary>
/// Who may give which role: the department's administrators any role; a unit head only roles
/// whose rights it holds itself and that carry no account rights, so nobody can hand out more
/// than they have or make another administrator.
/// </summary>
public static class RoleAssignments
{
    /// <summary>
    /// The problems of the roles, keyed by each grant's field as the request wrote it:
    /// <c>roles[1].role</c> in a body that holds the list under <paramref name="list"/>,
    /// <c>[1].role</c> in one that is the list (<paramref name="list"/> empty).
    /// </summary>
    public static async Task<Dictionary<string, string[]>?> CheckAsync(WriteTransaction write, ClaimsPrincipal caller, IReadOnlyList<RoleGrant> roles, CancellationToken ct, string list = "roles")
    {
        var problems = new Dictionary<string, string[]>();
        for (var i = 0; i < roles.Count; i++)
        {
            var grant = roles[i];
            await using var command = write.Command("""
                select r.dataset_scoped, coalesce(array_agg(p.permission) filter (where p.permission is not null), '{}'),
                       $2::text is null or exists (select 1 from catalog.datasets d where d.id = $2)
                from access.roles r left join access.role_permissions p using (role)
                where r.role = $1 group by r.dataset_scoped
                """, grant.Role, grant.DatasetId);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                problems[$"{list}[{i}].role"] = [$"'{grant.Role}' is not a role of this hub (see GET /api/v1/roles)."];
                continue;
            }
            var (scoped, rights, datasetKnown) = (reader.GetBoolean(0), reader.GetFieldValue<string[]>(1), reader.GetBoolean(2));
            if (scoped && grant.DatasetId is null)
            {
                problems[$"{list}[{i}].datasetId"] = [$"The role '{grant.Role}' is given per dataset; name the dataset."];
            }
            else if (!scoped && grant.DatasetId is not null)
            {
                problems[$"{list}[{i}].datasetId"] = [$"The role '{grant.Role}' is not given per dataset; leave datasetId out."];
            }
            else if (!datasetKnown)
            {
                problems[$"{list}[{i}].datasetId"] = [$"There is no dataset '{grant.DatasetId}'."];
            }
            else if (!caller.Has(Permissions.AccountsManage)
                     && rights.Any(r => r.StartsWith("accounts.", StringComparison.Ordinal) || !caller.Has(r)))
            {
                problems[$"{list}[{i}].role"] = [$"A unit head may give only roles whose rights it holds itself and that manage no accounts; '{grant.Role}' is for the department's administrators to give."];
            }
        }
        return problems.Count == 0 ? null : problems;
    }

    /// <summary>Replaces the roles of an account or client (history keeps the previous ones).</summary>
    public static async Task ReplaceAsync(WriteTransaction write, Guid? accountId, string? clientId, IReadOnlyList<RoleGrant> roles, CancellationToken ct)
    {
        await write.LockAsync(accountId is { } account ? $"roles:account:{account}" : $"roles:client:{clientId}", ct);
        await write.ExecuteAsync("delete from access.role_assignments where account_id is not distinct from $1 and client_id is not distinct from $2 and ($1 is not null or $2 is not null)",
            ct, accountId, clientId);
        foreach (var grant in roles.Distinct())
        {
            await write.ExecuteAsync("insert into access.role_assignments (account_id, client_id, role, dataset_id) values ($1, $2, $3, $4)",
                ct, accountId, clientId, grant.Role, grant.DatasetId);
        }
    }
}
