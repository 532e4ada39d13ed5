using System.CommandLine;
using DataHub.Api.Infrastructure.Cli;
using Npgsql;

namespace DataHub.Api.Audit;

/// <summary>`audit verify`: walks the audit chain; exit code 1 and the first broken link when it is broken.</summary>
public static class AuditCommand
{
    public static Command Create(HubCommandLine.HubFactory buildHub)
    {
        var manifest = new Option<FileInfo?>("--manifest") { Description = "A backup manifest (kept on the backup server): also check that the chain still holds the head it recorded." };
        var verify = new Command("verify", "Check that no audit entry was altered or deleted.") { manifest };
        verify.TreatUnmatchedTokensAsErrors = false;
        verify.SetAction(async (result, ct) =>
        {
            await using var app = buildHub(HubCommandLine.HostArgs(result));
            var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
            var outcome = await AuditVerification.RunAsync(dataSource, ct);
            if (outcome.Intact && result.GetValue(manifest) is { } file)
            {
                var head = Backups.BackupManifest.Parse(await File.ReadAllBytesAsync(file.FullName, ct)).AuditHead;
                if (head is null)
                {
                    Console.Error.WriteLine($"audit: {file.Name} records no audit head (a backup from before the hub recorded it)");
                    return 1;
                }
                if (await AuditVerification.CompareWithAsync(dataSource, head.Seq, head.Hash, ct) is { } problem)
                {
                    Console.Error.WriteLine($"audit: {problem}");
                    return 1;
                }
                Console.WriteLine($"audit: entry {head.Seq} matches the head recorded in {file.Name}");
            }
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
