using Npgsql;

namespace DataHub.Api.Submissions;

/// <summary>
/// Reads a stored submission body chunk by chunk on a connection of its own (the applying
/// transaction's connection is busy with COPY), holding one chunk at a time.
/// </summary>
public sealed class StoredBodyStream(NpgsqlDataSource dataSource, Guid id) : ForwardOnlyStream
{
    private NpgsqlConnection? connection;
    private byte[] chunk = [];
    private int position;
    private int next;
    private bool done;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (position == chunk.Length && !done)
        {
            connection ??= await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("select chunk from submissions.bodies where submission_id = $1 and seq = $2", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            command.Parameters.Add(new NpgsqlParameter { Value = next++ });
            if (await command.ExecuteScalarAsync(cancellationToken) is byte[] bytes)
            {
                chunk = bytes;
                position = 0;
            }
            else
            {
                done = true;
            }
        }
        var n = Math.Min(buffer.Length, chunk.Length - position);
        chunk.AsMemory(position, n).CopyTo(buffer);
        position += n;
        return n;
    }

    public override async ValueTask DisposeAsync()
    {
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
