using Microsoft.Extensions.Options;
using System.CommandLine;
using DataHub.Api.Infrastructure.Cli;
using DataHub.Api.Infrastructure.Database;
using Npgsql;
using Spectre.Console;

namespace DataHub.Api.Backups;

/// <summary>
/// `restore (--backup ID | --file PATH) [--database DB] [--force]`: a backup from the target (or
/// a dump file) into a database, refusing one that holds tables unless --force (which drops
/// and recreates it), checked against its manifest, ending with the migrations check.
/// </summary>
public static class RestoreCommand
{
    public static Command Create(HubCommandLine.HubFactory buildHub)
    {
        var backup = new Option<string?>("--backup") { Description = "The id of a backup on the configured target (see /api/v1/backups)." };
        var file = new Option<FileInfo?>("--file") { Description = "A dump file (pg_dump custom format); a .manifest.json beside it is checked when present." };
        var database = new Option<string?>("--database") { Description = "Target: a database name on the hub's server, or a full connection string (default: the hub's database)." };
        var force = new Option<bool>("--force") { Description = "Drop and recreate a target database that is not empty." };
        var command = new Command("restore", "Restore a backup into a database, then check its migrations.") { backup, file, database, force };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, ct) =>
        {
            if ((result.GetValue(backup) is null) == (result.GetValue(file) is null))
            {
                Console.Error.WriteLine("restore: give exactly one of --backup ID or --file PATH");
                return 2;
            }
            await using var app = buildHub(HubCommandLine.HostArgs(result));
            var hub = DatabaseSetup.ConnectionString(app.Configuration);
            var target = TargetConnection(hub, result.GetValue(database));
            var targetName = new NpgsqlConnectionStringBuilder(target).Database;
            var replace = false;
            if (!await RestoreService.IsEmptyAsync(target, ct))
            {
                if (!result.GetValue(force))
                {
                    Console.Error.WriteLine($"restore: database '{targetName}' is not empty; refusing to restore over it (use --force to drop and recreate it)");
                    return 1;
                }
                replace = true;
            }
            var restores = app.Services.GetRequiredService<RestoreService>();
            try
            {
                await using var source = await OpenAsync(app.Services.GetRequiredService<IOptions<BackupSettings>>().Value, result.GetValue(backup), result.GetValue(file), ct);
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask($"restore {source.Name} into {targetName}", maxValue: Math.Max(source.Size, 1));
                        await restores.RestoreAsync(source.Stream, target, replace, source.Manifest?.Sha256, bytes => task.Value = bytes, ct);
                        task.Value = task.MaxValue;
                    });
                if (source.Manifest is { } manifest)
                {
                    var differences = TableFingerprints.Compare(manifest.Tables, await TableFingerprints.ReadAsync(target, ct));
                    if (differences.Count > 0)
                    {
                        Console.Error.WriteLine($"restore: the restored database differs from the manifest: {string.Join("; ", differences)}");
                        return 1;
                    }
                    Console.WriteLine($"restore: {manifest.Tables.Count} tables match the manifest of {manifest.Id} (row counts and checksums)");
                }
            }
            catch (BackupException e)
            {
                Console.Error.WriteLine($"restore: {e.Message}");
                return 1;
            }

            // Unpooled: with --force, pooled connections to the old database were cut when it was dropped.
            var pending = Migrator.Pending(new NpgsqlConnectionStringBuilder(target) { Pooling = false }.ConnectionString);
            Console.WriteLine(pending.Count == 0
                ? $"restore: '{targetName}' restored; migrations: the database is up to date"
                : $"restore: '{targetName}' restored; {pending.Count} migration(s) pending ({string.Join(", ", pending)}): run `migrate` against it before serving it");
            return 0;
        });
        return command;
    }

    private sealed record Source(string Name, Stream Stream, long Size, BackupManifest? Manifest, IAsyncDisposable? Owner) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Stream.DisposeAsync();
            if (Owner is not null)
            {
                await Owner.DisposeAsync();
            }
        }
    }

    private static string TargetConnection(string hub, string? database) => database switch
    {
        null or "" => hub,
        var cs when cs.Contains('=', StringComparison.Ordinal) => cs,
        var name => new NpgsqlConnectionStringBuilder(hub) { Database = name }.ConnectionString,
    };

    private static async Task<Source> OpenAsync(BackupSettings settings, string? backupId, FileInfo? file, CancellationToken ct)
    {
        if (file is not null)
        {
            if (!file.Exists)
            {
                throw new BackupException($"{file.FullName} does not exist");
            }
            var stem = file.Name.EndsWith(BackupManifest.DumpSuffix, StringComparison.Ordinal) ? file.Name[..^BackupManifest.DumpSuffix.Length] : null;
            var manifestFile = stem is null ? null : Path.Combine(file.DirectoryName!, stem + BackupManifest.ManifestSuffix);
            var manifest = manifestFile is not null && File.Exists(manifestFile) ? BackupManifest.Parse(await File.ReadAllBytesAsync(manifestFile, ct)) : null;
            return new Source(file.Name, file.OpenRead(), file.Length, manifest, null);
        }
        var target = await BackupTargets.ConnectAsync(settings, ct);
        try
        {
            var manifest = await RestoreService.ManifestAsync(target, backupId!, ct);
            var stream = await target.OpenReadAsync(backupId + BackupManifest.DumpSuffix, ct);
            return new Source(backupId!, stream, manifest.SizeBytes, manifest, target);
        }
        catch (Exception e) when (e is IOException or Renci.SshNet.Common.SshException or System.Text.Json.JsonException)
        {
            await target.DisposeAsync();
            throw new BackupException($"backup '{backupId}' cannot be read from {target.Location}: {e.Message}", e);
        }
    }
}
