using Renci.SshNet;
using Renci.SshNet.Common;

namespace DataHub.Api.Backups;

/// <summary>
/// A folder on the backup server over SFTP: key authentication, and the server's host key must
/// match the pinned SHA-256 fingerprint (a server presenting any other key is refused before
/// anything is sent).
/// </summary>
public sealed class SftpTarget : IBackupTarget
{
    private readonly SftpClient client;
    private readonly string folder;

    private SftpTarget(SftpClient client, string location, string folder)
    {
        this.client = client;
        Location = location;
        this.folder = folder;
    }

    public string Location { get; }

    public bool MeetsRegulation => true;

    public static string Describe(BackupSettings.SftpSettings s) => $"sftp://{s.Username}@{s.Host}:{s.Port}/{s.Folder.TrimStart('/')}";

    public static async Task<SftpTarget> ConnectAsync(BackupSettings.SftpSettings settings, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(settings.Host) || string.IsNullOrWhiteSpace(settings.Username)
            || string.IsNullOrWhiteSpace(settings.PrivateKeyFile) || string.IsNullOrWhiteSpace(settings.HostKeySha256))
        {
            throw new BackupException("The SFTP target needs Backups:Sftp:Host, Username, PrivateKeyFile and HostKeySha256 (the server's key fingerprint, SHA256:...).");
        }
        var pinned = settings.HostKeySha256.Trim();
        pinned = pinned.StartsWith("SHA256:", StringComparison.Ordinal) ? pinned[7..] : pinned;
        PrivateKeyFile key;
        try
        {
            key = string.IsNullOrEmpty(settings.PrivateKeyPassphrase)
                ? new PrivateKeyFile(settings.PrivateKeyFile)
                : new PrivateKeyFile(settings.PrivateKeyFile, settings.PrivateKeyPassphrase);
        }
        catch (Exception e) when (e is IOException or SshException or UnauthorizedAccessException)
        {
            throw new BackupException($"The SFTP private key {settings.PrivateKeyFile} cannot be read: {e.Message}", e);
        }
        var connection = new Renci.SshNet.ConnectionInfo(settings.Host, settings.Port, settings.Username, new PrivateKeyAuthenticationMethod(settings.Username, key))
        {
            Timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds),
        };
        var client = new SftpClient(connection);
        string? presented = null;
        client.HostKeyReceived += (_, e) =>
        {
            presented = e.FingerPrintSHA256;
            e.CanTrust = string.Equals(e.FingerPrintSHA256, pinned, StringComparison.Ordinal);
        };
        var location = Describe(settings);
        try
        {
            await client.ConnectAsync(ct);
        }
        catch (SshConnectionException e) when (presented is not null && presented != pinned)
        {
            client.Dispose();
            throw new BackupException($"{location} presented host key SHA256:{presented}, not the pinned SHA256:{pinned}; refused (a different server, or a re-keyed one: check before changing Backups:Sftp:HostKeySha256).", e);
        }
        catch (Exception e) when (e is SshException or System.Net.Sockets.SocketException or IOException or TimeoutException)
        {
            client.Dispose();
            throw new BackupException($"{location} cannot be reached: {e.Message}", e);
        }
        return new SftpTarget(client, location, settings.Folder.TrimEnd('/'));
    }

    private string Full(string name) => $"{folder}/{name}";

    public async Task<Stream> CreateAsync(string name, CancellationToken ct) =>
        await client.OpenAsync(Full(name), FileMode.CreateNew, FileAccess.Write, ct);

    public async Task<Stream> OpenReadAsync(string name, CancellationToken ct) =>
        await client.OpenAsync(Full(name), FileMode.Open, FileAccess.Read, ct);

    public Task RenameAsync(string name, string newName, CancellationToken ct) => client.RenameFileAsync(Full(name), Full(newName), ct);

    public Task DeleteAsync(string name, CancellationToken ct) => client.DeleteFileAsync(Full(name), ct);

    public async Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken ct)
    {
        var files = new List<StoredFile>();
        await foreach (var entry in client.ListDirectoryAsync(folder, ct))
        {
            if (entry.IsRegularFile)
            {
                files.Add(new StoredFile(entry.Name, entry.Length));
            }
        }
        return files;
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
