using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Land;

/// <summary>
/// A migrated database of its own for one test class, with helpers for SQL with positional
/// parameters ($1, $2, ...). The land tests talk to the schema directly: the SQL is the contract.
/// </summary>
public sealed class LandDatabase : IAsyncLifetime
{
    private TestDatabase database = null!;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("land");
        DataSource = NpgsqlDataSource.Create(database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await database.DisposeAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return await ScalarAsync<T>(connection, null, sql, values);
    }

    /// <summary>Every row of a query, by column name (select plain columns: no geometry without the NTS plugin).</summary>
    public async Task<List<Dictionary<string, object?>>> RowsAsync(string sql, params object[] values)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = await reader.IsDBNullAsync(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// Runs one statement in its own transaction, as <paramref name="writer"/> when given; a null
    /// writer leaves datahub.writer unset, as a careless client would.
    /// </summary>
    public async Task<T> WriteAsync<T>(string? writer, string sql, params object[] values)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (writer is not null)
        {
            await ScalarAsync<string>(connection, transaction, "select set_config('datahub.writer', $1, true)", writer);
        }
        var result = await ScalarAsync<T>(connection, transaction, sql, values);
        await transaction.CommitAsync();
        return result;
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await using var reader = await command.ExecuteReaderAsync();
        // A statement without a result (or with no row) gives default: UPDATE/DELETE callers ask for int? or object?.
        if (!await reader.ReadAsync() || reader.FieldCount == 0 || await reader.IsDBNullAsync(0))
        {
            return default!;
        }
        return await reader.GetFieldValueAsync<T>(0);
    }
}
