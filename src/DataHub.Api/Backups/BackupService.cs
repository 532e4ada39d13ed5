using Microsoft.Extensions.Options;
using System.Diagnostics;
using DataHub.Api.Infrastructure.Database;
using Npgsql;

namespace DataHub.Api.Backups;

/// <summary>
/// One backup: pg_dump (custom format, compressed) streamed straight to the target under a
/// temporary name while hashing, the stored copy read back and compared, renamed to its final
/// name, the manifest written beside it (a backup counts only once its manifest exists), and
/// retention applied. Row counts and checksums come from the very snapshot pg_dump dumps.
/// </summary>
public sealed partial class BackupService(NpgsqlDataSource dataSource, IConfiguration configuration, IOptions<BackupSettings> backupSettings, BackupStore store, BackupAlerts alerts,
    TimeProvider clock, ILogger<BackupService> logger)
{
    public sealed record Progress(string Stage, long Bytes, long? Total);

    public sealed record Outcome(BackupManifest Manifest, string Location, bool MeetsRegulation, IReadOnlyList<string> Removed);

    // One backup at a time per database, whoever asks (scheduler, API, CLI).
    private const long LockKey = 0x44485F4241434B; // "DH_BACK"

    public async Task<Outcome> RunAsync(string trigger, Action<Progress>? progress, CancellationToken ct)
    {
        var settings = backupSettings.Value;
        var started = clock.GetUtcNow();
        var id = BackupManifest.NewId(started);
        var (location, meetsRegulation) = BackupTargets.Describe(settings);
        await using var lockConnection = await dataSource.OpenConnectionAsync(ct);
        if (!await TryLockAsync(lockConnection, ct))
        {
            throw new BackupException("Another backup of this database is running; this one was not started.");
        }
        await store.StartedAsync(id, trigger, location, meetsRegulation, started, ct);
        if (!meetsRegulation && settings.Target is { Length: > 0 })
        {
            LogNotRegulation(logger, location, BackupTargets.LocalFolderWarning);
        }
        var watch = Stopwatch.StartNew();
        try
        {
            await using var target = await BackupTargets.ConnectAsync(settings, ct);
            var manifest = await DumpAsync(id, started, settings, target, progress, ct);
            await store.SucceededAsync(manifest, clock.GetUtcNow(), ct);
            alerts.Succeeded("backup", watch.Elapsed);
            LogSucceeded(logger, id, target.Location, manifest.SizeBytes, watch.Elapsed.TotalSeconds);
            progress?.Invoke(new Progress("retention", 0, null));
            var removed = await ApplyRetentionAsync(target, id, settings, ct);
            return new Outcome(manifest, target.Location, target.MeetsRegulation, removed);
        }
        catch (Exception e) when (e is BackupException or IOException or Renci.SshNet.Common.SshException or NpgsqlException or TimeoutException
            or InvalidOperationException or UnauthorizedAccessException)
        {
            var message = e is BackupException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            await store.FailedAsync(id, message, clock.GetUtcNow(), CancellationToken.None);
            await alerts.FailedAsync("backup", id, message, CancellationToken.None);
            throw new BackupException($"Backup {id} failed: {message}", e);
        }
    }

    private async Task<BackupManifest> DumpAsync(string id, DateTimeOffset started, BackupSettings settings, IBackupTarget target,
        Action<Progress>? progress, CancellationToken ct)
    {
        var dumpName = id + BackupManifest.DumpSuffix;
        var partial = dumpName + BackupManifest.PartialSuffix;
        var connection = new NpgsqlConnectionStringBuilder(DatabaseSetup.ConnectionString(configuration));

        // The snapshot pg_dump dumps, held open (and read for the manifest) until it is done.
        await using var snapshotConnection = await dataSource.OpenConnectionAsync(ct);
        await using var snapshot = await snapshotConnection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        string snapshotId;
        await using (var export = new NpgsqlCommand("select pg_export_snapshot()", snapshotConnection, snapshot))
        {
            snapshotId = (string)(await export.ExecuteScalarAsync(ct))!;
        }

        HashingCopy.Result written;
        try
        {
            await using (var dump = PgTools.Start(settings.PgDump, connection,
                // Not the staging of submissions under way (SubmissionStaging): rows no submission has
                // written yet, and tables that come and go, whose locks would hold the submission up.
                ["--format=custom", "--compress=6", $"--snapshot={snapshotId}", "--no-password", $"--exclude-schema={Submissions.SubmissionStaging.SchemaPattern}"],
                stdin: false, stdout: true))
            {
                await using (var remote = await target.CreateAsync(partial, ct))
                {
                    written = await HashingCopy.CopyAsync(dump.Process.StandardOutput.BaseStream, remote,
                        bytes => progress?.Invoke(new Progress("dump", bytes, null)), ct);
                }
                await dump.EnsureSucceededAsync("pg_dump", ct);
            }
            progress?.Invoke(new Progress("checksums", 0, null));
            var tables = await TableFingerprints.ReadAsync(snapshotConnection, snapshot, ct);
            var (migration, applied, serverVersion) = await DatabaseFactsAsync(snapshotConnection, snapshot, ct);
            var auditHead = await AuditHeadAsync(snapshotConnection, snapshot, ct);
            await snapshot.CommitAsync(ct);

            // The copy on the target, read back: what a restore would get.
            progress?.Invoke(new Progress("verify", 0, written.Bytes));
            HashingCopy.Result stored;
            await using (var readBack = await target.OpenReadAsync(partial, ct))
            {
                stored = await HashingCopy.CopyAsync(readBack, null, bytes => progress?.Invoke(new Progress("verify", bytes, written.Bytes)), ct);
            }
            if (stored.Sha256 != written.Sha256 || stored.Bytes != written.Bytes)
            {
                throw new BackupException($"The copy on {target.Location} does not match what was sent ({stored.Bytes} bytes, SHA-256 {stored.Sha256}; sent {written.Bytes} bytes, {written.Sha256}).");
            }
            await target.RenameAsync(partial, dumpName, ct);

            var manifest = new BackupManifest(id, connection.Database ?? "", started, clock.GetUtcNow(), written.Bytes, written.Sha256,
                "pg_dump custom (compressed)", migration, applied, BackupManifest.CurrentHubVersion, serverVersion, tables, auditHead);
            var manifestPartial = id + BackupManifest.ManifestSuffix + BackupManifest.PartialSuffix;
            await using (var file = await target.CreateAsync(manifestPartial, ct))
            {
                await file.WriteAsync(manifest.ToJson(), ct);
            }
            await target.RenameAsync(manifestPartial, id + BackupManifest.ManifestSuffix, ct);
            return manifest;
        }
        catch
        {
            await TryDeleteAsync(target, partial);
            throw;
        }
    }

    private async Task<IReadOnlyList<string>> ApplyRetentionAsync(IBackupTarget target, string current, BackupSettings settings, CancellationToken ct)
    {
        var removed = new List<string>();
        try
        {
            var files = await target.ListAsync(ct);
            var backups = files.Where(f => f.Name.EndsWith(BackupManifest.ManifestSuffix, StringComparison.Ordinal))
                .Select(f => f.Name[..^BackupManifest.ManifestSuffix.Length])
                .Select(n => (Id: n, Ok: BackupManifest.TryParseId(n, out var at), At: at))
                .Where(b => b.Ok).Select(b => (b.Id, b.At)).ToList();
            var keep = Retention.Keep(backups, settings.Keep);
            foreach (var (backup, _) in backups.Where(b => !keep.Contains(b.Id)))
            {
                // Manifest first: a backup without one no longer counts, whatever happens next.
                await target.DeleteAsync(backup + BackupManifest.ManifestSuffix, ct);
                await TryDeleteAsync(target, backup + BackupManifest.DumpSuffix);
                await store.RemovedAsync(backup, clock.GetUtcNow(), ct);
                removed.Add(backup);
            }
            // Leftovers of failed runs that could not clean up after themselves (the server was gone).
            foreach (var leftover in files.Where(f => f.Name.EndsWith(BackupManifest.PartialSuffix, StringComparison.Ordinal) && !f.Name.StartsWith(current, StringComparison.Ordinal)))
            {
                await TryDeleteAsync(target, leftover.Name);
            }
        }
        catch (Exception e) when (e is IOException or Renci.SshNet.Common.SshException or BackupException)
        {
            LogRetentionFailed(logger, e);
        }
        return removed;
    }

    private static async Task TryDeleteAsync(IBackupTarget target, string name)
    {
        try
        {
            await target.DeleteAsync(name, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or Renci.SshNet.Common.SshException or InvalidOperationException or ObjectDisposedException)
        {
            // Gone already, or the server is: the .partial name keeps it from ever counting.
        }
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select pg_try_advisory_lock($1)", connection);
        command.Parameters.Add(new() { Value = LockKey });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<BackupManifest.AuditLink> AuditHeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select seq, encode(hash, 'hex') from audit.head", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new BackupManifest.AuditLink(reader.GetInt64(0), reader.GetString(1));
    }

    private static async Task<(string? Migration, int Applied, string ServerVersion)> DatabaseFactsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select (select scriptname from public.{Migrator.JournalTable} order by schemaversionsid desc limit 1),
                   (select count(*)::int from public.{Migrator.JournalTable}), current_setting('server_version')
            """, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt32(1), reader.GetString(2));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backup target {Location}: {Warning}")]
    private static partial void LogNotRegulation(ILogger logger, string location, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup {Id} stored on {Location}: {Bytes} bytes in {Seconds:0.0} s, verified")]
    private static partial void LogSucceeded(ILogger logger, string id, string location, long bytes, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention could not finish; the new backup stands and the next run tries again")]
    private static partial void LogRetentionFailed(ILogger logger, Exception exception);
}
