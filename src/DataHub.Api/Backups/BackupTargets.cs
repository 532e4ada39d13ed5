namespace DataHub.Api.Backups;

public static class BackupTargets
{
    public const string LocalFolderWarning =
        "A local folder does not meet regulation Article 7.3 (backups must be stored on a server other than the hub's and the database's): development only.";

    /// <summary>Where the settings say backups go, without connecting (for listings).</summary>
    public static (string Location, bool MeetsRegulation) Describe(BackupSettings settings) => settings.Target?.ToLowerInvariant() switch
    {
        "sftp" => (SftpTarget.Describe(settings.Sftp), true),
        "folder" => ("folder:" + Path.GetFullPath(settings.Folder.Path ?? "."), false),
        _ => ("(none)", false),
    };

    public static async Task<IBackupTarget> ConnectAsync(BackupSettings settings, CancellationToken ct) => settings.Target?.ToLowerInvariant() switch
    {
        "sftp" => await SftpTarget.ConnectAsync(settings.Sftp, ct),
        "folder" when !string.IsNullOrWhiteSpace(settings.Folder.Path) => new FolderTarget(settings.Folder.Path),
        "folder" => throw new BackupException("The folder target needs Backups:Folder:Path."),
        null or "" => throw new BackupException("No backup target is configured: set Backups:Target to sftp (with Backups:Sftp:*) as Article 7.3 requires."),
        var other => throw new BackupException($"Backups:Target '{other}' is not known: use sftp (or folder, for development only)."),
    };
}
