using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Backups;

/// <summary>The seeded hub backing up to a real OpenSSH server on 127.0.0.1, its scheduler on.</summary>
public sealed class BackupHubFixture : SeededHubFixture
{
    public SshServer Ssh { get; private set; } = null!;

    protected override async Task PrepareDatabaseAsync()
    {
        await base.PrepareDatabaseAsync();
        Ssh = await SshServer.StartAsync();
    }

    public IEnumerable<KeyValuePair<string, string?>> BackupSettings() =>
    [
        new("Backups:Target", "sftp"),
        new("Backups:Sftp:Host", "127.0.0.1"),
        new("Backups:Sftp:Port", Ssh.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Backups:Sftp:Username", Ssh.User),
        new("Backups:Sftp:PrivateKeyFile", Ssh.ClientKey),
        new("Backups:Sftp:HostKeySha256", Ssh.HostKeyFingerprint),
        new("Backups:Sftp:Folder", Ssh.Folder),
        new("Backups:Sftp:TimeoutSeconds", "5"),
        new("Backups:ScratchDatabase", Database.Name + "_drill"),
    ];

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Scheduling:Enabled", "true"), .. BackupSettings(), .. QuietExpectedFailures];

    // The tests make backups fail on purpose; Quartz and the hub log each failure as an error.
    public static readonly KeyValuePair<string, string?>[] QuietExpectedFailures =
    [
        new("Logging:LogLevel:Quartz.Core", "None"),
        new("Logging:LogLevel:DataHub.Api.Backups", "None"),
        new("Logging:LogLevel:DataHub.Api.Infrastructure.Scheduling", "None"),
    ];

    protected override async Task CleanupAsync()
    {
        await base.CleanupAsync();
        await Ssh.DisposeAsync();
        // A failed drill leaves its scratch database for inspection.
        await using var server = new Npgsql.NpgsqlConnection(TestDatabase.ConnectionStringFor("postgres"));
        await server.OpenAsync();
        await using var drop = new Npgsql.NpgsqlCommand($"drop database if exists \"{Database.Name}_drill\" with (force)", server);
        await drop.ExecuteNonQueryAsync();
    }
}
