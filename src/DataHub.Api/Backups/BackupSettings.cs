namespace DataHub.Api.Backups;

/// <summary>The Backups section of the settings (environment: Backups__Target, Backups__Sftp__Host, ...).</summary>
public sealed class BackupSettings
{
    /// <summary>sftp (production) or folder (development only); empty: backups fail, loudly.</summary>
    public string? Target { get; set; }
    public SftpSettings Sftp { get; set; } = new();
    public FolderSettings Folder { get; set; } = new();

    /// <summary>Local time (Asia/Ho_Chi_Minh) of the daily backup, HH:mm.</summary>
    public string DailyAt { get; set; } = "01:30";

    /// <summary>Local time of the daily restore drill, HH:mm.</summary>
    public string DrillAt { get; set; } = "03:30";

    /// <summary>The drill's scratch database (dropped and recreated each drill); default: the hub's database name + _restore_drill.</summary>
    public string? ScratchDatabase { get; set; }

    public RetentionSettings Keep { get; set; } = new();

    public string PgDump { get; set; } = "pg_dump";
    public string PgRestore { get; set; } = "pg_restore";

    public sealed class SftpSettings
    {
        public string? Host { get; set; }
        public int Port { get; set; } = 22;
        public string? Username { get; set; }
        public string? PrivateKeyFile { get; set; }
        public string? PrivateKeyPassphrase { get; set; }

        /// <summary>The server's host key fingerprint as `ssh-keygen -lf` prints it: SHA256:base64.</summary>
        public string? HostKeySha256 { get; set; }

        /// <summary>The remote folder the backups go to (must exist).</summary>
        public string Folder { get; set; } = ".";
        public int TimeoutSeconds { get; set; } = 30;
    }

    public sealed class FolderSettings
    {
        public string? Path { get; set; }
    }

    /// <summary>How many backups retention keeps: the newest of each of the last N days, ISO weeks and months.</summary>
    public sealed class RetentionSettings
    {
        public int Daily { get; set; } = 7;
        public int Weekly { get; set; } = 4;
        public int Monthly { get; set; } = 12;
    }

    public static BackupSettings From(IConfiguration configuration) =>
        configuration.GetSection("Backups").Get<BackupSettings>() ?? new BackupSettings();
}
