namespace DataHub.Api.Reports;

/// <summary>
/// Writes to the response asynchronously whatever the writer does: ZipArchive (under
/// SpreadCheetah) writes each entry's data descriptor and the central directory with synchronous
/// calls, which Kestrel refuses. Those few bytes are held and sent with the next asynchronous
/// write, or by <see cref="CompleteAsync"/> once the workbook is finished.
/// </summary>
public sealed class AsyncResponseStream(Stream response) : Stream
{
    private readonly MemoryStream held = new();
    private long written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        held.Write(buffer);
        written += buffer.Length;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await SendHeldAsync(cancellationToken);
        await response.WriteAsync(buffer, cancellationToken);
        written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await SendHeldAsync(cancellationToken);
        await response.FlushAsync(cancellationToken);
    }

    /// <summary>Sends what synchronous writes left behind.</summary>
    public Task CompleteAsync(CancellationToken cancellationToken) => FlushAsync(cancellationToken);

    private async Task SendHeldAsync(CancellationToken cancellationToken)
    {
        if (held.Length > 0)
        {
            await response.WriteAsync(held.GetBuffer().AsMemory(0, (int)held.Length), cancellationToken);
            held.SetLength(0);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            held.Dispose();
        }
        base.Dispose(disposing);
    }
}
