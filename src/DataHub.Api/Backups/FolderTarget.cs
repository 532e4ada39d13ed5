namespace DataHub.Api.Backups;

/// <summary>
/// A folder on this machine: for development only. It does not meet Article 7.3 (the copy must
/// be on another server), and the API and logs say so.
/// </summary>
public sealed class FolderTarget(string path) : IBackupTarget
{
    public string Location => "folder:" + Path.GetFullPath(path);

    public bool MeetsRegulation => false;

    private string Full(string name) => Path.Combine(path, name);

    public Task<Stream> CreateAsync(string name, CancellationToken ct)
    {
        Directory.CreateDirectory(path);
        return Task.FromResult<Stream>(new FileStream(Full(name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true));
    }

    public Task<Stream> OpenReadAsync(string name, CancellationToken ct) =>
        File.Exists(Full(name))
            ? Task.FromResult<Stream>(new FileStream(Full(name), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            : throw new BackupException($"{name} is not in {Location}");

    public Task RenameAsync(string name, string newName, CancellationToken ct)
    {
        File.Move(Full(name), Full(newName), overwrite: false);
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string name, CancellationToken ct)
    {
        File.Delete(Full(name));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<StoredFile>>(Directory.Exists(path)
            ? [.. new DirectoryInfo(path).EnumerateFiles().Select(f => new StoredFile(f.Name, f.Length))]
            : []);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
