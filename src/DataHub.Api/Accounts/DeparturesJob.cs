using DataHub.Api.Infrastructure.Auth;
using Npgsql;
using Quartz;

namespace DataHub.Api.Accounts;

/// <summary>
/// Applies the departures whose rights end today (Accounts:DeparturesAt, local time, shortly
/// after midnight): rights have already stopped counting on that day; this makes the accounts
/// say so, and keeps the overdue report empty.
/// </summary>
[DisallowConcurrentExecution]
public sealed class DeparturesJob(NpgsqlDataSource dataSource, PrincipalResolver principals) : IJob
{
    public const string Name = "departures-apply";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var applied = await Departures.ApplyDueAsync(dataSource, "job:" + Name, principals.Today(), cancellationToken);
        context.Result = $"{applied} departure(s) applied";
    }
}
