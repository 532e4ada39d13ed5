namespace DataHub.Api.Backups;

/// <summary>Where backups are stored: a folder on another server (SFTP) or, for development, a local folder.</summary>
public interface IBackupTarget : IAsyncDisposable
{
    /// <summary>Where, for people: e.g. sftp://backup@10.0.0.5:22/srv/datahub.</summary>
    string Location { get; }

    /// <summary>Whether a copy stored here is on another server, as Article 7.3 asks.</summary>
    bool MeetsRegulation { get; }

    /// <summary>A new file, refused if one exists with that name.</summary>
    Task<Stream> CreateAsync(string name, CancellationToken ct);

    Task<Stream> OpenReadAsync(string name, CancellationToken ct);

    Task RenameAsync(string name, string newName, CancellationToken ct);

    Task DeleteAsync(string name, CancellationToken ct);

    Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken ct);
}

public sealed record StoredFile(string Name, long Size);

/// <summary>A backup could not be made, verified or restored; the message says why, for operators.</summary>
public sealed class BackupException(string message, Exception? inner = null) : Exception(message, inner);
