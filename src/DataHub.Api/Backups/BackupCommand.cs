using System.CommandLine;
using DataHub.Api.Infrastructure.Cli;
using Spectre.Console;

namespace DataHub.Api.Backups;

/// <summary>`backup`: one backup now, to the configured target, with a progress bar.</summary>
public static class BackupCommand
{
    public static Command Create(HubCommandLine.HubFactory buildHub)
    {
        var command = new Command("backup", "Back the database up now to the configured target (Backups:*), verified, then apply retention.");
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, ct) =>
        {
            await using var app = buildHub(HubCommandLine.HostArgs(result));
            var service = app.Services.GetRequiredService<BackupService>();
            BackupService.Outcome? outcome = null;
            try
            {
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                    .StartAsync(async ctx =>
                    {
                        var tasks = new Dictionary<string, ProgressTask>();
                        outcome = await service.RunAsync("cli", p =>
                        {
                            foreach (var (stage, earlier) in tasks)
                            {
                                if (stage != p.Stage && !earlier.IsFinished)
                                {
                                    earlier.Value = earlier.MaxValue;
                                    earlier.StopTask();
                                }
                            }
                            if (!tasks.TryGetValue(p.Stage, out var task))
                            {
                                tasks[p.Stage] = task = ctx.AddTask(p.Stage);
                                task.IsIndeterminate = p.Total is null;
                            }
                            task.MaxValue = Math.Max(p.Total ?? Math.Max(p.Bytes, 1), 1);
                            task.Value = p.Bytes;
                            task.Description = p.Total is null && p.Bytes > 0 ? $"{p.Stage} {p.Bytes / 1048576.0:N1} MB" : p.Stage;
                        }, ct);
                        foreach (var task in tasks.Values)
                        {
                            task.Value = task.MaxValue;
                            task.StopTask();
                        }
                    });
            }
            catch (BackupException e)
            {
                Console.Error.WriteLine($"backup: {e.Message}");
                return 1;
            }
            var m = outcome!.Manifest;
            Console.WriteLine($"backup: {m.Id} on {outcome.Location}: {m.SizeBytes:N0} bytes, SHA-256 {m.Sha256}, verified, " +
                $"{(m.FinishedAt - m.StartedAt).TotalSeconds:N1} s; {m.Tables.Count} tables");
            if (outcome.Removed.Count > 0)
            {
                Console.WriteLine($"backup: retention removed {string.Join(", ", outcome.Removed)}");
            }
            if (!outcome.MeetsRegulation)
            {
                Console.WriteLine($"backup: warning: {BackupTargets.LocalFolderWarning}");
            }
            return 0;
        });
        return command;
    }
}
