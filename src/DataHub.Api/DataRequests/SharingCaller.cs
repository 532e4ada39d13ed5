using System.Security.Claims;
using DataHub.Api.Infrastructure.Auth;
using Npgsql;

namespace DataHub.Api.DataRequests;

/// <summary>
/// Who is asking, as special-request sharing sees it: the caller's unit (a unit sees its own
/// requests and grants), the datasets whose requests it reviews, and whether it administers
/// sharing for the department (sees all). Nobody else sees a request or a grant at all.
/// </summary>
public sealed record SharingCaller(string Actor, string? Unit, bool Files, bool Administers, bool ReviewsAll, IReadOnlySet<string> Reviewed)
{
    public const string Requester = "requester";
    public const string Reviewer = "reviewer";
    public const string Administrator = "administrator";

    public static SharingCaller Of(ClaimsPrincipal user)
    {
        var reviews = user.FindAll(Permissions.ClaimType).Select(c => c.Value)
            .Where(v => v == Permissions.RequestsReview || v.StartsWith(Permissions.RequestsReview + "@", StringComparison.Ordinal)).ToList();
        return new SharingCaller(user.Actor(), user.UnitCode(), user.Has(Permissions.RequestsFile), user.Has(Permissions.RequestsManage),
            reviews.Contains(Permissions.RequestsReview),
            reviews.Where(v => v.Contains('@')).Select(v => v[(v.IndexOf('@') + 1)..]).ToHashSet());
    }

    /// <summary>Reviews every one of these datasets (a reviewer acts on a request only then).</summary>
    public bool ReviewsEvery(IEnumerable<string> datasets) => ReviewsAll || datasets.All(Reviewed.Contains);

    /// <summary>
    /// The sides this caller may act on for a request of this unit over these datasets. Whoever
    /// filed a request does not review it (four eyes), even when reviewing its datasets.
    /// </summary>
    public IReadOnlyList<string> Sides(string requesterUnit, IReadOnlyList<string> datasets, string filedBy)
    {
        var sides = new List<string>();
        if (Files && Unit == requesterUnit)
        {
            sides.Add(Requester);
        }
        if (ReviewsEvery(datasets) && filedBy != Actor)
        {
            sides.Add(Reviewer);
        }
        if (Administers)
        {
            sides.Add(Administrator);
        }
        return sides;
    }

    /// <summary>Whether the caller sees a request or grant of this unit over these datasets.</summary>
    public bool Sees(string unit, IEnumerable<string> datasets) =>
        Administers || Unit == unit || ReviewsAll || datasets.Any(Reviewed.Contains);

    /// <summary>The SQL condition of <see cref="Sees"/> over a table aliased <paramref name="alias"/> with a unit column and datasets; parameters appended to the command.</summary>
    public string VisibleSql(NpgsqlCommand command, string alias, string unitColumn)
    {
        string Add(object value)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
            return "$" + command.Parameters.Count;
        }
        return $"({Add(Administers || ReviewsAll)} or {alias}.{unitColumn} = {Add(Unit ?? "")} or {alias}.datasets && {Add(Reviewed.ToArray())}::text[])";
    }
}
