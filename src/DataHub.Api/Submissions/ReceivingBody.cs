using System.Buffers;
using System.Threading.Channels;
using Npgsql;

namespace DataHub.Api.Submissions;

/// <summary>
/// The body of a submission while the request stores it, read by the hub applying it meanwhile
/// (<see cref="SubmissionService.AcceptAsync"/>). Each chunk stored is also handed over here, up
/// to <see cref="Held"/> chunks ahead of the reader; when the reader falls further behind (it
/// usually does: applying takes longer than receiving), the rest is read back from the stored
/// chunks once the storing transaction has committed. So memory stays bounded, the request is
/// never held back, and the apply starts with the first chunk instead of after the last.
/// </summary>
public sealed class ReceivingBody(NpgsqlDataSource dataSource, Guid id) : ForwardOnlyStream
{
    /// <summary>Chunks (SubmissionStore.ChunkBytes each) held for the reader at most.</summary>
    public const int Held = 8;

    private readonly Channel<(byte[] Bytes, int Length)> chunks = Channel.CreateBounded<(byte[], int)>(
        new BoundedChannelOptions(Held) { SingleReader = true, SingleWriter = true });
    private readonly TaskCompletionSource<string> stored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int offered;
    private int spilledAt = -1;
    private (byte[] Bytes, int Length, int Read)? current;
    private StoredBodyStream? rest;

    /// <summary>The body's SHA-256 once the storing transaction has committed; faulted or cancelled if it did not.</summary>
    public Task<string> Stored => stored.Task;

    /// <summary>From the request: the next chunk, as it is stored.</summary>
    public void Offer(ReadOnlySpan<byte> chunk)
    {
        if (spilledAt >= 0)
        {
            return;
        }
        var copy = ArrayPool<byte>.Shared.Rent(chunk.Length);
        chunk.CopyTo(copy);
        if (!chunks.Writer.TryWrite((copy, chunk.Length)))
        {
            // The reader is Held chunks behind: it reads this one and the rest back once stored.
            ArrayPool<byte>.Shared.Return(copy);
            spilledAt = offered;
            chunks.Writer.TryComplete();
            return;
        }
        offered++;
    }

    /// <summary>From the request: every chunk has been offered.</summary>
    public void Ended() => chunks.Writer.TryComplete();

    /// <summary>From the request: the storing transaction has committed.</summary>
    public void Committed(string sha256) => stored.TrySetResult(sha256);

    /// <summary>From the request: the body was not stored (refused, client gone, database error); the reader stops.</summary>
    public void NotStored(Exception why)
    {
        stored.TrySetException(new OperationCanceledException("The submission's body was not stored.", why));
        chunks.Writer.TryComplete(new OperationCanceledException("The submission's body was not stored.", why));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (rest is not null)
            {
                return await rest.ReadAsync(buffer, cancellationToken);
            }
            if (current is { } chunk && chunk.Read < chunk.Length)
            {
                var n = Math.Min(buffer.Length, chunk.Length - chunk.Read);
                chunk.Bytes.AsSpan(chunk.Read, n).CopyTo(buffer.Span);
                current = chunk with { Read = chunk.Read + n };
                return n;
            }
            if (current is { } done)
            {
                ArrayPool<byte>.Shared.Return(done.Bytes);
                current = null;
            }
            if (await chunks.Reader.WaitToReadAsync(cancellationToken) && chunks.Reader.TryRead(out var next))
            {
                current = (next.Bytes, next.Length, 0);
                continue;
            }
            if (spilledAt < 0)
            {
                return 0;
            }
            await stored.Task.WaitAsync(cancellationToken); // the chunks from spilledAt on are visible once committed
            rest = new StoredBodyStream(dataSource, id, spilledAt);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (current is { } chunk)
        {
            ArrayPool<byte>.Shared.Return(chunk.Bytes);
            current = null;
        }
        while (chunks.Reader.TryRead(out var left))
        {
            ArrayPool<byte>.Shared.Return(left.Bytes);
        }
        if (rest is not null)
        {
            await rest.DisposeAsync();
        }
        await base.DisposeAsync();
    }
}
