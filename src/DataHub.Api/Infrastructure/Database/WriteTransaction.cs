using DataHub.Api.Audit;
using Npgsql;

namespace DataHub.Api.Infrastructure.Database;

/// <summary>
/// A transaction that says who writes (datahub.writer, which history records) and ends with its
/// audit entry, so a change and its record commit or vanish together.
/// </summary>
public sealed class WriteTransaction : IAsyncDisposable
{
    private WriteTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, string writer)
    {
        Connection = connection;
        Transaction = transaction;
        Writer = writer;
    }

    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }
    public string Writer { get; }

    public static async Task<WriteTransaction> BeginAsync(NpgsqlDataSource dataSource, string writer, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        var transaction = await connection.BeginTransactionAsync(ct);
        var write = new WriteTransaction(connection, transaction, writer);
        await write.ExecuteAsync("select set_config('datahub.writer', $1, true)", ct, writer);
        return write;
    }

    /// <summary>A command with positional parameters ($1, $2, ...) in this transaction.</summary>
    public NpgsqlCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, Connection, Transaction);
        command.AddValues(values);
        return command;
    }

    public async Task<int> ExecuteAsync(string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = Command(sql, values);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<T?> ScalarAsync<T>(string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = Command(sql, values);
        return await command.ExecuteScalarAsync(ct) is T value ? value : default;
    }

    /// <summary>
    /// Holds <paramref name="name"/> (an account's username, a unit's code) until the transaction
    /// ends, so that two requests making or changing the same thing at once take turns: the second
    /// then sees what the first wrote and answers 409 or replaces it, instead of failing on a
    /// unique index (a 500).
    /// </summary>
    public Task LockAsync(string name, CancellationToken ct) =>
        ExecuteAsync("select pg_advisory_xact_lock(hashtextextended($1, 0))", ct, name);

    /// <summary>Records the change in the audit trail and commits both.</summary>
    public async Task CommitAsync(string action, string? target, object? details, CancellationToken ct)
    {
        await AuditTrail.AppendAsync(Connection, Transaction, Writer, action, target, details, ct);
        await Transaction.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
