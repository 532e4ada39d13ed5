using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.Infrastructure.Database;

/// <summary>
/// Builds one SQL statement from fragments: values always become parameters (named @p0, @p1 …),
/// identifiers come only from the dataset catalogue and are quoted by <see cref="Identifier"/>.
/// </summary>
public sealed partial class SqlBuilder
{
    private readonly List<NpgsqlParameter> parameters = [];

    public IReadOnlyList<NpgsqlParameter> Parameters => parameters;

    /// <summary>Adds a value and returns its placeholder, e.g. "@p3".</summary>
    public string Add(object? value, NpgsqlDbType? type = null)
    {
        var name = $"p{parameters.Count}";
        var parameter = new NpgsqlParameter(name, value ?? DBNull.Value);
        if (type is { } t)
        {
            parameter.NpgsqlDbType = t;
        }
        parameters.Add(parameter);
        return "@" + name;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainIdentifier();

    /// <summary>A double-quoted identifier; anything but a plain lower-case name is refused outright.</summary>
    public static string Identifier(string name) =>
        PlainIdentifier().IsMatch(name)
            ? "\"" + name + "\""
            : throw new ArgumentException($"'{name}' is not an identifier the catalogue may use", nameof(name));

    /// <summary>A catalogue name as a SQL string literal (e.g. a JSON key); same rule as identifiers.</summary>
    public static string NameLiteral(string name) =>
        PlainIdentifier().IsMatch(name)
            ? "'" + name + "'"
            : throw new ArgumentException($"'{name}' is not a name the catalogue may use", nameof(name));

    /// <summary>schema.relation, each part quoted.</summary>
    public static string Relation(string qualifiedName) =>
        string.Join('.', qualifiedName.Split('.').Select(Identifier));

    public NpgsqlCommand CreateCommand(NpgsqlDataSource dataSource, string sql) => WithParameters(dataSource.CreateCommand(sql));

    public NpgsqlCommand CreateCommand(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql) =>
        WithParameters(new NpgsqlCommand(sql, connection, transaction));

    // Copies, because a parameter belongs to one command and a statement may be run as several
    // (a count and a page share their conditions).
    private NpgsqlCommand WithParameters(NpgsqlCommand command)
    {
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter.Clone());
        }
        return command;
    }
}
