using System.Data;
using Npgsql;

namespace DataHub.Api.Submissions;

/// <summary>
/// Reads a stored submission body chunk by chunk (from chunk <c>first</c>) on a connection of its own (the applying
/// transaction's connection is busy with COPY). Each chunk is streamed from the row into the
/// caller's buffer: reading it into a byte array of its own allocated a megabyte on the large
/// object heap per chunk, and those allocations set off a full garbage collection every second
/// or so while a large batch was applied (docs/performance.md, ingest).
/// </summary>
public sealed class StoredBodyStream(NpgsqlDataSource dataSource, Guid id, int first = 0) : ForwardOnlyStream
{
    private NpgsqlConnection? connection;
    private NpgsqlDataReader? row;
    private Stream? chunk;
    private int next = first;
    private bool done;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!done && buffer.Length > 0)
        {
            if (chunk is null && !await NextChunkAsync(cancellationToken))
            {
                break;
            }
            var n = await chunk!.ReadAsync(buffer, cancellationToken);
            if (n > 0)
            {
                return n;
            }
            await CloseChunkAsync();
        }
        return 0;
    }

    private async Task<bool> NextChunkAsync(CancellationToken ct)
    {
        connection ??= await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("select chunk from submissions.bodies where submission_id = $1 and seq = $2", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = next++ });
        row = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        if (!await row.ReadAsync(ct))
        {
            await CloseChunkAsync();
            done = true;
            return false;
        }
        chunk = await row.GetStreamAsync(0, ct);
        return true;
    }

    private async Task CloseChunkAsync()
    {
        if (chunk is not null)
        {
            await chunk.DisposeAsync();
            chunk = null;
        }
        if (row is not null)
        {
            await row.DisposeAsync();
            row = null;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await CloseChunkAsync();
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
        await base.DisposeAsync();
    }
}

/// <summary>Records how far a submission has read, outside its transaction, for the status URL.</summary>
public sealed class ProgressWriter(NpgsqlDataSource dataSource, Guid id) : IAsyncDisposable
{
    public async Task ReportAsync(int records, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            insert into submissions.progress (submission_id, records) values ($1, $2)
            on conflict (submission_id) do update set records = excluded.records, updated_at = now()
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = records });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await using var command = dataSource.CreateCommand("delete from submissions.progress where submission_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await command.ExecuteNonQueryAsync();
    }
}
