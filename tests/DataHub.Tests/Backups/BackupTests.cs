using System.Net;
using System.Text.Json;
using DataHub.Api.Backups;
using DataHub.Api.Infrastructure.Cli;
using DataHub.Tests.Infrastructure;
using DataHub.Tests.Jobs;

namespace DataHub.Tests.Backups;

[Collection(ConsoleVerbs.Name)]
public sealed class BackupTests(BackupHubFixture hub) : IClassFixture<BackupHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();

    /// <summary>Asks for a backup over the API and waits for the job to end; returns its last run.</summary>
    private async Task<JsonElement> BackUpAsync(string path = "/api/v1/backups")
    {
        // Runs are told apart by their start: this one starts after the request.
        var before = DateTimeOffset.UtcNow;
        var response = await client.PostAsync(path, null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await JobsTests.WaitForLastRunAsync(client, response.Headers.Location!, before, seconds: 120);
    }

    private async Task<JsonElement> NewestBackupAsync()
    {
        var list = JsonDocument.Parse(await client.GetStringAsync("/api/v1/backups")).RootElement;
        return list.GetProperty("backups")[0];
    }

    private async Task<BackupManifest> ManifestAsync(string id)
    {
        var backup = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/backups/{id}")).RootElement;
        return backup.GetProperty("manifest").Deserialize<BackupManifest>(BackupManifest.Json)!;
    }

    private Task<int> CliAsync(params string[] args) =>
        HubCommandLine.Create(Program.BuildHub)
            .Parse([args[0], $"--DATAHUB_DB={hub.Database.ConnectionString}", "--Logging:LogLevel:Default=None",
                .. hub.BackupSettings().Select(s => $"--{s.Key}={s.Value}"), .. args[1..]])
            .InvokeAsync(HubCommandLine.Invocation);

    private string[] FilesOf(string id) =>
        [.. Directory.GetFiles(hub.Ssh.Folder).Select(Path.GetFileName).Where(n => n!.StartsWith(id, StringComparison.Ordinal)).Order()!];

    [Fact]
    public async Task a_backup_lands_on_the_sftp_server_with_its_manifest_and_the_drill_restores_it_identically()
    {
        var run = await BackUpAsync();
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        var backup = await NewestBackupAsync();
        var id = backup.GetProperty("id").GetString()!;
        Assert.Equal("succeeded", backup.GetProperty("status").GetString());
        Assert.True(backup.GetProperty("meetsRegulation").GetBoolean());
        Assert.StartsWith("sftp://", backup.GetProperty("target").GetString());

        // On the server: the dump and its manifest, nothing half-written.
        Assert.Equal([id + ".dump", id + ".manifest.json"], FilesOf(id));
        var dump = Path.Combine(hub.Ssh.Folder, id + ".dump");
        await using (var file = File.OpenRead(dump))
        {
            Assert.Equal(backup.GetProperty("sha256").GetString(), Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(file)));
        }
        var manifest = BackupManifest.Parse(await File.ReadAllBytesAsync(Path.Combine(hub.Ssh.Folder, id + ".manifest.json")));
        Assert.Equal(id, manifest.Id);
        Assert.Equal(new FileInfo(dump).Length, manifest.SizeBytes);
        // The last migration applied: the newest file of schemas/sql.
        Assert.Equal(Directory.GetFiles(Path.Combine(RepoPaths.Root, "schemas", "sql"), "*.sql").Select(Path.GetFileName).Max(StringComparer.Ordinal), manifest.MigrationVersion);
        Assert.Equal(SeededHubFixture.Parcels, manifest.Tables.Single(t => t.Name == "land.parcels").Rows);
        Assert.True(manifest.FinishedAt >= manifest.StartedAt);

        var drill = await BackUpAsync("/api/v1/backups/drills");
        Assert.True(drill.GetProperty("status").GetString() == "succeeded", drill.ToString());
        var list = JsonDocument.Parse(await client.GetStringAsync("/api/v1/backups")).RootElement;
        var latest = list.GetProperty("drills")[0];
        Assert.Equal("passed", latest.GetProperty("status").GetString());
        Assert.Equal(id, latest.GetProperty("backupId").GetString());
        Assert.Equal(manifest.Tables.Count, latest.GetProperty("tables").GetInt32());
    }

    [Fact]
    public async Task restore_verb_into_an_empty_database_reproduces_the_row_counts_and_checksums_and_refuses_a_non_empty_one()
    {
        Assert.Equal(0, await CliAsync("backup"));
        var id = (await NewestBackupAsync()).GetProperty("id").GetString()!;
        await using var empty = await TestDatabase.CreateEmptyAsync();

        Assert.Equal(0, await CliAsync("restore", "--backup", id, "--database", empty.ConnectionString));
        var restored = await TableFingerprints.ReadAsync(empty.ConnectionString, CancellationToken.None);
        var manifest = await ManifestAsync(id);
        Assert.Equal(manifest.Tables, restored);
        Assert.Contains(restored, t => t.Name == "land.parcels" && t.Rows == SeededHubFixture.Parcels);

        Assert.Equal(1, await CliAsync("restore", "--backup", id, "--database", empty.ConnectionString));
        Assert.Equal(0, await CliAsync("restore", "--backup", id, "--database", empty.ConnectionString, "--force"));
        Assert.Equal(manifest.Tables, await TableFingerprints.ReadAsync(empty.ConnectionString, CancellationToken.None));
    }

    [Fact]
    public async Task a_backup_taken_while_a_submission_is_staged_leaves_its_staging_out()
    {
        // A submission's staging (SubmissionStaging): rows not yet written anywhere, in tables that go when it ends.
        var staging = $"submission_{Guid.NewGuid():N}";
        // Held as a running submission holds it, so that the hub's worker does not sweep it as left over.
        var running = await hub.HoldStagingAsync(staging);
        await using var connection = running.Connection!;
        await using var held = running; // ended before its connection closes
        await hub.ExecuteAsWriterAsync($"create schema \"{staging}\"; create unlogged table \"{staging}\".staged_parcels as select 1 as id");
        try
        {
            Assert.Equal(0, await CliAsync("backup"));
            var id = (await NewestBackupAsync()).GetProperty("id").GetString()!;
            Assert.DoesNotContain((await ManifestAsync(id)).Tables, t => t.Name.StartsWith("submission_", StringComparison.Ordinal));

            await using var empty = await TestDatabase.CreateEmptyAsync();
            Assert.Equal(0, await CliAsync("restore", "--backup", id, "--database", empty.ConnectionString));
            await using var restored = new Npgsql.NpgsqlConnection(empty.ConnectionString);
            await restored.OpenAsync();
            await using var count = new Npgsql.NpgsqlCommand(@"select count(*) from pg_namespace where nspname like 'submission\_%'", restored);
            Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
        }
        finally
        {
            await hub.ExecuteAsWriterAsync($"drop schema if exists \"{staging}\" cascade");
        }
    }

    [Fact]
    public async Task with_the_server_down_the_backup_fails_cleanly_raises_an_alert_and_the_next_run_succeeds()
    {
        await hub.Ssh.StopAsync();
        JsonElement failed;
        try
        {
            failed = await BackUpAsync();
        }
        finally
        {
            await hub.Ssh.StartAgainAsync();
        }
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("cannot be reached", failed.GetProperty("error").GetString());
        var backup = await NewestBackupAsync();
        var id = backup.GetProperty("id").GetString()!;
        Assert.Equal("failed", backup.GetProperty("status").GetString());
        Assert.Empty(FilesOf(id));
        Assert.Equal(1L, await hub.ScalarAsync<long>(
            "select count(*) from backups.alerts where event_type = 'datahub.backup.failed' and subject = $1 and published_at is null", id));

        var next = await BackUpAsync();
        Assert.True(next.GetProperty("status").GetString() == "succeeded", next.ToString());
        var good = (await NewestBackupAsync()).GetProperty("id").GetString()!;
        Assert.Equal([good + ".dump", good + ".manifest.json"], FilesOf(good));
    }

    [Fact]
    public async Task a_corrupted_copy_on_the_server_is_caught_by_the_restore_drill()
    {
        Assert.Equal(0, await CliAsync("backup"));
        var id = (await NewestBackupAsync()).GetProperty("id").GetString()!;
        var dump = Path.Combine(hub.Ssh.Folder, id + ".dump");
        var bytes = await File.ReadAllBytesAsync(dump);
        for (var i = bytes.Length / 2; i < bytes.Length / 2 + 64; i++)
        {
            bytes[i] ^= 0x5A;
        }
        await File.WriteAllBytesAsync(dump, bytes);

        var drill = await BackUpAsync("/api/v1/backups/drills");
        Assert.Equal("failed", drill.GetProperty("status").GetString());
        Assert.Contains("damaged", drill.GetProperty("error").GetString());
        var latest = JsonDocument.Parse(await client.GetStringAsync("/api/v1/backups")).RootElement.GetProperty("drills")[0];
        Assert.Equal("failed", latest.GetProperty("status").GetString());
        Assert.Equal(id, latest.GetProperty("backupId").GetString());
        Assert.True(await hub.ScalarAsync<long>(
            "select count(*) from backups.alerts where event_type = 'datahub.backup.drill-failed' and subject = $1", id) >= 1);
        File.Delete(dump);
        File.Delete(Path.Combine(hub.Ssh.Folder, id + ".manifest.json"));
    }

    [Fact]
    public async Task a_server_presenting_another_host_key_is_refused_and_nothing_is_sent()
    {
        var before = Directory.GetFiles(hub.Ssh.Folder).Length;
        Assert.Equal(1, await CliAsync("backup", $"--Backups:Sftp:HostKeySha256={hub.Ssh.OtherFingerprint}"));
        var backup = await NewestBackupAsync();
        Assert.Equal("failed", backup.GetProperty("status").GetString());
        Assert.Contains("refused", backup.GetProperty("error").GetString());
        Assert.Contains(hub.Ssh.HostKeyFingerprint, backup.GetProperty("error").GetString());
        Assert.Equal(before, Directory.GetFiles(hub.Ssh.Folder).Length);
    }

    [Fact]
    public async Task the_backup_jobs_are_scheduled_daily_in_local_time_and_the_target_is_described()
    {
        var list = JsonDocument.Parse(await client.GetStringAsync("/api/v1/backups")).RootElement;
        Assert.True(list.GetProperty("target").GetProperty("meetsRegulation").GetBoolean());
        var job = JsonDocument.Parse(await client.GetStringAsync("/api/v1/jobs/backup")).RootElement;
        Assert.Contains("Asia/Ho_Chi_Minh", job.GetProperty("schedule").GetString());
        // 01:30 in Asia/Ho_Chi_Minh (UTC+7) is 18:30 UTC.
        Assert.Equal(new TimeSpan(18, 30, 0), job.GetProperty("nextFireTime").GetDateTimeOffset().ToUniversalTime().TimeOfDay);
        await Problems.AssertProblemAsync(await client.GetAsync("/api/v1/backups/datahub-nope"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task a_manifest_records_the_audit_head_so_a_chain_rewritten_after_the_backup_is_caught()
    {
        using (var anonymous = hub.CreateAnonymousClient())
        {
            await anonymous.PostAsync("/api/v1/auth/sign-in", new StringContent("""{"username":"nobody","password":"Wrong-1!"}""", System.Text.Encoding.UTF8, "application/json"));
        }
        Assert.Equal(0, await CliAsync("backup"));
        var id = (await NewestBackupAsync()).GetProperty("id").GetString()!;
        var head = (await ManifestAsync(id)).AuditHead;
        Assert.NotNull(head);
        Assert.True(head.Seq >= 1);
        var manifestFile = Path.Combine(hub.Ssh.Folder, id + BackupManifest.ManifestSuffix);
        Task<int> VerifyAsync() => HubCommandLine.Create(Program.BuildHub)
            .Parse(["audit", "verify", "--manifest", manifestFile, $"--DATAHUB_DB={hub.Database.ConnectionString}", "--Logging:LogLevel:Default=None"])
            .InvokeAsync(HubCommandLine.Invocation);
        Assert.Equal(0, await VerifyAsync());

        // Someone with the database's superuser rewrites the last entry and recomputes its hash and
        // the head: the walk finds nothing, the manifest on the backup server does.
        await using (var connection = new Npgsql.NpgsqlConnection(hub.Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand($"""
                set session_replication_role = replica;
                update audit.entries set target = 'rewritten', hash = audit.entry_hash(seq, at, actor, action, 'rewritten', details, prev_hash) where seq = {head.Seq};
                update audit.head set hash = (select hash from audit.entries where seq = {head.Seq});
                set session_replication_role = origin;
                """, connection);
            await command.ExecuteNonQueryAsync();
        }
        var walk = JsonDocument.Parse(await client.GetStringAsync("/api/v1/audit/verification")).RootElement;
        Assert.True(walk.GetProperty("intact").GetBoolean());
        Assert.Equal(1, await VerifyAsync());
    }
}
