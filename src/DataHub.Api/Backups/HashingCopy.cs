using System.Security.Cryptography;

namespace DataHub.Api.Backups;

/// <summary>Copies a stream in chunks while hashing it (SHA-256): nothing is held but one buffer.</summary>
public static class HashingCopy
{
    public sealed record Result(long Bytes, string Sha256, bool DestinationClosedEarly);

    // destination null: only hash. keepReadingIfDestinationCloses: for a restore, a pg_restore
    // that stopped early must not hide whether the file itself was damaged.
    public static async Task<Result> CopyAsync(Stream source, Stream? destination, Action<long>? progress, CancellationToken ct,
        bool keepReadingIfDestinationCloses = false)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 17];
        long total = 0;
        var closed = false;
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
            if (destination is not null && !closed)
            {
                try
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                catch (IOException) when (keepReadingIfDestinationCloses)
                {
                    closed = true;
                }
            }
            progress?.Invoke(total);
        }
        return new Result(total, Convert.ToHexStringLower(hash.GetHashAndReset()), closed);
    }
}
