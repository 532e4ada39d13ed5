using System.CommandLine;
using DataHub.Api.Infrastructure.Cli;
using Npgsql;

namespace DataHub.Api.Audit;

/// <summary>`audit verify`: walks the audit chain; exit code 1 and the first broken link when it is broken.</summary>
public static class AuditCommand
{
    public static Command Create(HubCommandLine.HubFactory buildHub)
    {
        var verify = new Command("verify", "Check that no audit entry was altered or deleted.") { TreatUnmatchedTokensAsErrors = false };
        verify.SetAction(async (result, ct) =>
        {
            await using var app = buildHub(HubCommandLine.HostArgs(result));
            var outcome = await AuditVerification.RunAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), ct);
            if (outcome.Intact)
            {
                Console.WriteLine($"audit: {outcome.Checked:N0} entries, chain intact");
                return 0;
            }
            Console.Error.WriteLine($"audit: chain broken at entry {outcome.BrokenAt}: {outcome.Problem}");
            return 1;
        });
        return new Command("audit", "The audit trail.") { verify };
    }
}
