using Microsoft.Extensions.Options;
using System.Diagnostics;
using DataHub.Api.Infrastructure.Database;
using Npgsql;

namespace DataHub.Api.Backups;

/// <summary>
/// Restores a dump into a database (pg_restore fed as the dump is read, hashed on the way), and
/// the restore drill: the latest backup restored into a scratch database and compared, table by
/// table, with its manifest.
/// </summary>
public sealed partial class RestoreService(IConfiguration configuration, IOptions<BackupSettings> backupSettings, BackupStore store, BackupAlerts alerts, TimeProvider clock,
    ILogger<RestoreService> logger)
{
    public sealed record Restored(long Bytes, string Sha256);

    public sealed record DrillOutcome(string BackupId, int Tables, IReadOnlyList<string> Mismatches);

    /// <summary>Whether the database is missing or holds no tables of its own (extensions' tables aside).</summary>
    public static async Task<bool> IsEmptyAsync(string connectionString, CancellationToken ct)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        if (!await ExistsAsync(target, ct))
        {
            return true;
        }
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'p', 'v', 'm') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_%'
              and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
            """, connection);
        return (long)(await command.ExecuteScalarAsync(ct))! == 0;
    }

    /// <summary>
    /// Restores into the database named by the connection string, which is created when missing
    /// (and, with replace, dropped and created anew first). A checksum that does not match
    /// <paramref name="expectedSha256"/> fails the restore, whatever pg_restore said.
    /// </summary>
    public async Task<Restored> RestoreAsync(Stream dump, string targetConnectionString, bool replace, string? expectedSha256,
        Action<long>? progress, CancellationToken ct)
    {
        var target = new NpgsqlConnectionStringBuilder(targetConnectionString);
        if (replace)
        {
            await OnServerAsync(target, $"drop database if exists {Quote(target.Database!)} with (force)", ct);
        }
        if (!await ExistsAsync(target, ct))
        {
            // template0: nothing an administrator added to template1 collides with the dump's objects.
            await OnServerAsync(target, $"create database {Quote(target.Database!)} template template0 encoding 'UTF8'", ct);
        }
        var settings = backupSettings.Value;
        await using var restore = PgTools.Start(settings.PgRestore, target,
            ["--no-owner", "--no-privileges", "--exit-on-error", "--no-password", "--dbname", target.Database!], stdin: true, stdout: false);
        HashingCopy.Result read;
        await using (var input = restore.Process.StandardInput.BaseStream)
        {
            read = await HashingCopy.CopyAsync(dump, input, progress, ct, keepReadingIfDestinationCloses: true);
        }
        if (expectedSha256 is not null && read.Sha256 != expectedSha256)
        {
            throw new BackupException($"The backup file is damaged: its SHA-256 is {read.Sha256}, the manifest says {expectedSha256} ({read.Bytes} bytes read).");
        }
        await restore.EnsureSucceededAsync("pg_restore", ct);
        return new Restored(read.Bytes, read.Sha256);
    }

    public async Task<DrillOutcome> DrillAsync(CancellationToken ct)
    {
        var settings = backupSettings.Value;
        var hub = new NpgsqlConnectionStringBuilder(DatabaseSetup.ConnectionString(configuration));
        var scratch = new NpgsqlConnectionStringBuilder(hub.ConnectionString)
        {
            Database = settings.ScratchDatabase is { Length: > 0 } name ? name : $"{hub.Database}_restore_drill",
            Pooling = false,
        };
        if (scratch.Database == hub.Database)
        {
            throw new BackupException("Backups:ScratchDatabase must not be the hub's own database.");
        }
        var drillId = await store.DrillStartedAsync(null, scratch.Database!, clock.GetUtcNow(), ct);
        string? backupId = null;
        var watch = Stopwatch.StartNew();
        try
        {
            await using var target = await BackupTargets.ConnectAsync(settings, ct);
            var manifest = await LatestAsync(target, ct) ?? throw new BackupException($"There is no backup on {target.Location} to restore.");
            backupId = manifest.Id;
            await using (var dump = await target.OpenReadAsync(manifest.Id + BackupManifest.DumpSuffix, ct))
            {
                await RestoreAsync(dump, scratch.ConnectionString, replace: true, manifest.Sha256, null, ct);
            }
            var restored = await TableFingerprints.ReadAsync(scratch.ConnectionString, ct);
            var mismatches = TableFingerprints.Compare(manifest.Tables, restored);
            await OnServerAsync(scratch, $"drop database if exists {Quote(scratch.Database!)} with (force)", ct);
            if (mismatches.Count > 0)
            {
                var message = $"Restoring {backupId} did not reproduce the manifest: {string.Join("; ", mismatches.Take(10))}";
                await store.DrillEndedAsync(drillId, backupId, false, restored.Count, mismatches, message, clock.GetUtcNow(), CancellationToken.None);
                await alerts.FailedAsync("drill", backupId, message, CancellationToken.None);
                throw new BackupException(message);
            }
            await store.DrillEndedAsync(drillId, backupId, true, manifest.Tables.Count, [], null, clock.GetUtcNow(), ct);
            alerts.Succeeded("drill", watch.Elapsed);
            LogDrillPassed(logger, backupId, manifest.Tables.Count, watch.Elapsed.TotalSeconds);
            return new DrillOutcome(backupId, manifest.Tables.Count, []);
        }
        catch (Exception e) when (e is IOException or Renci.SshNet.Common.SshException or NpgsqlException or TimeoutException
            or InvalidOperationException or System.Text.Json.JsonException || (e is BackupException && !e.Message.StartsWith("Restoring ", StringComparison.Ordinal)))
        {
            var message = e is BackupException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            await store.DrillEndedAsync(drillId, backupId, false, null, null, message, clock.GetUtcNow(), CancellationToken.None);
            await alerts.FailedAsync("drill", backupId, message, CancellationToken.None);
            throw new BackupException($"Restore drill failed: {message}", e);
        }
    }

    /// <summary>The newest backup on the target that has its manifest (only those count).</summary>
    public static async Task<BackupManifest?> LatestAsync(IBackupTarget target, CancellationToken ct)
    {
        var names = (await target.ListAsync(ct)).Select(f => f.Name).Where(n => n.EndsWith(BackupManifest.ManifestSuffix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        return names.Count == 0 ? null : await ManifestAsync(target, names[^1][..^BackupManifest.ManifestSuffix.Length], ct);
    }

    public static async Task<BackupManifest> ManifestAsync(IBackupTarget target, string id, CancellationToken ct)
    {
        await using var stream = await target.OpenReadAsync(id + BackupManifest.ManifestSuffix, ct);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return BackupManifest.Parse(buffer.ToArray());
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<bool> ExistsAsync(NpgsqlConnectionStringBuilder target, CancellationToken ct)
    {
        await using var connection = await OpenServerAsync(target, ct);
        await using var command = new NpgsqlCommand("select exists (select 1 from pg_database where datname = $1)", connection);
        command.Parameters.Add(new() { Value = target.Database! });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task OnServerAsync(NpgsqlConnectionStringBuilder target, string sql, CancellationToken ct)
    {
        await using var connection = await OpenServerAsync(target, ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    // The server's maintenance database: a database cannot be created or dropped from inside itself.
    private static async Task<NpgsqlConnection> OpenServerAsync(NpgsqlConnectionStringBuilder target, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Restore drill of {BackupId} passed: {Tables} tables identical, in {Seconds:0.0} s")]
    private static partial void LogDrillPassed(ILogger logger, string backupId, int tables, double seconds);
}
