using System.ComponentModel.DataAnnotations;
using DataHub.Api.Infrastructure.Scheduling;

namespace DataHub.Api.Backups;

/// <summary>The Backups section of the settings (environment: Backups__Target, Backups__Sftp__Host, ...), checked at start.</summary>
public sealed class BackupSettings
{
    /// <summary>sftp (production) or folder (development only); empty: backups fail, loudly.</summary>
    [RegularExpression("^(?i:sftp|folder)?$", ErrorMessage = "must be sftp (or folder, for development only), or empty.")]
    public string? Target { get; set; }
    public SftpSettings Sftp { get; set; } = new();
    public FolderSettings Folder { get; set; } = new();

    /// <summary>Local time (Asia/Ho_Chi_Minh) of the daily backup, HH:mm.</summary>
    [LocalTime]
    public string DailyAt { get; set; } = "01:30";

    /// <summary>Local time of the daily restore drill, HH:mm.</summary>
    [LocalTime]
    public string DrillAt { get; set; } = "03:30";

    /// <summary>The drill's scratch database (dropped and recreated each drill); default: the hub's database name + _restore_drill.</summary>
    public string? ScratchDatabase { get; set; }

    public RetentionSettings Keep { get; set; } = new();

    public string PgDump { get; set; } = "pg_dump";
    public string PgRestore { get; set; } = "pg_restore";

    public sealed class SftpSettings
    {
        public string? Host { get; set; }
        [Range(1, 65535, ErrorMessage = "must be from 1 to 65535.")]
        public int Port { get; set; } = 22;
        public string? Username { get; set; }
        public string? PrivateKeyFile { get; set; }
        public string? PrivateKeyPassphrase { get; set; }

        /// <summary>The server's host key fingerprint as `ssh-keygen -lf` prints it: SHA256:base64.</summary>
        public string? HostKeySha256 { get; set; }

        /// <summary>The remote folder the backups go to (must exist).</summary>
        public string Folder { get; set; } = ".";
        [Range(1, 3600, ErrorMessage = "must be from 1 to 3600.")]
        public int TimeoutSeconds { get; set; } = 30;
    }

    public sealed class FolderSettings
    {
        public string? Path { get; set; }
    }

    /// <summary>How many backups retention keeps: the newest of each of the last N days, ISO weeks and months.</summary>
    public sealed class RetentionSettings
    {
        // At least the newest daily one: retention never deletes the backup it has just made.
        [Range(1, 3650, ErrorMessage = "must be from 1 to 3650.")]
        public int Daily { get; set; } = 7;
        [Range(0, 520, ErrorMessage = "must be from 0 to 520.")]
        public int Weekly { get; set; } = 4;
        [Range(0, 1200, ErrorMessage = "must be from 0 to 1200.")]
        public int Monthly { get; set; } = 12;
    }
}
