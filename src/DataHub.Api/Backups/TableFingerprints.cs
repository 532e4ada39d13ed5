using Npgsql;

namespace DataHub.Api.Backups;

/// <summary>
/// Row count and content checksum of every table, read in one snapshot: what a manifest records
/// at backup time and what a restore must reproduce. The checksum is the sum of each row's md5
/// (first 64 bits) over the row's text form, so it does not depend on the rows' physical order.
/// </summary>
public static class TableFingerprints
{
    public sealed record Table(string Name, long Rows, string Checksum);

    // Tables of the hub's schemas; extension tables (spatial_ref_sys) included, because the
    // province's CRS rows must come back too. Not submissions' staging, which backups leave out.
    private const string TablesSql = """
        select n.nspname || '.' || c.relname
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_%'
          and n.nspname not like 'submission\_%'
        order by 1
        """;

    /// <summary>Reads on the connection (and its open transaction, if any) as it is.</summary>
    public static async Task<IReadOnlyList<Table>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken ct)
    {
        // Text forms must not depend on the session: timestamps in UTC, ISO dates.
        await using (var settings = new NpgsqlCommand("set local timezone = 'UTC'; set local datestyle = 'ISO, YMD'; set local extra_float_digits = 1", connection, transaction))
        {
            if (transaction is null)
            {
                settings.CommandText = settings.CommandText.Replace("set local", "set", StringComparison.Ordinal);
            }
            await settings.ExecuteNonQueryAsync(ct);
        }
        var names = new List<string>();
        await using (var list = new NpgsqlCommand(TablesSql, connection, transaction))
        await using (var reader = await list.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                names.Add(reader.GetString(0));
            }
        }
        var tables = new List<Table>(names.Count);
        foreach (var name in names)
        {
            var relation = string.Join('.', name.Split('.').Select(part => "\"" + part.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
            await using var command = new NpgsqlCommand($"""
                select count(*), coalesce(sum(('x' || left(md5(t::text), 16))::bit(64)::bigint::numeric), 0)::text from {relation} t
                """, connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            tables.Add(new Table(name, reader.GetInt64(0), reader.GetString(1)));
        }
        return tables;
    }

    public static async Task<IReadOnlyList<Table>> ReadAsync(string connectionString, CancellationToken ct)
    {
        // Unpooled: a restore may drop this database next, which would break a pooled connection.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var tables = await ReadAsync(connection, transaction, ct);
        await transaction.CommitAsync(ct);
        return tables;
    }

    /// <summary>What differs between the manifest's tables and the restored ones, one line each.</summary>
    public static IReadOnlyList<string> Compare(IReadOnlyList<Table> expected, IReadOnlyList<Table> actual)
    {
        var found = actual.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (var table in expected)
        {
            if (!found.TryGetValue(table.Name, out var restored))
            {
                differences.Add($"{table.Name}: missing after restore");
            }
            else if (restored.Rows != table.Rows)
            {
                differences.Add($"{table.Name}: {restored.Rows} rows, the backup had {table.Rows}");
            }
            else if (restored.Checksum != table.Checksum)
            {
                differences.Add($"{table.Name}: same {table.Rows} rows but different content (checksum)");
            }
        }
        return differences;
    }
}
