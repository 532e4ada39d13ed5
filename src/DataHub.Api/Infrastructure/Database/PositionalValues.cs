using Npgsql;

namespace DataHub.Api.Infrastructure.Database;

public static class PositionalValues
{
    /// <summary>Adds the values as the command's $1, $2, ... parameters (null as SQL NULL).</summary>
    public static NpgsqlCommand AddValues(this NpgsqlCommand command, IEnumerable<object?> values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        return command;
    }
}
