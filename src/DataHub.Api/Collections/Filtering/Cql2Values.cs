using System.Globalization;
using System.Text.RegularExpressions;
using DataHub.Api.Infrastructure.Database;
using NpgsqlTypes;

namespace DataHub.Api.Collections.Filtering;

/// <summary>The SQL side of comparing one property with literals: the column expression and one typed parameter per literal.</summary>
internal sealed record BoundValues(string Column, IReadOnlyList<string> Placeholders);

/// <summary>
/// Checks literals against a property's type and turns them into typed parameters. Typing the
/// parameters (rather than leaving it to the server) keeps a mismatch a client error with a
/// message instead of a database error.
/// </summary>
internal static partial class Cql2Values
{
    public static BoundValues Bind(FilterProperty queryable, IReadOnlyList<Cql2Literal> literals, SqlBuilder sql)
    {
        foreach (var literal in literals)
        {
            RequireCompatible(queryable, literal);
        }
        var column = SqlBuilder.Identifier(queryable.Column);
        switch (queryable.Type)
        {
            case QueryableType.String:
                return new(column, [.. literals.Select(l => sql.Add(l.Text, NpgsqlDbType.Text))]);
            case QueryableType.Boolean:
                return new(column, [.. literals.Select(l => sql.Add(Boolean(l), NpgsqlDbType.Boolean))]);
            case QueryableType.Integer when literals.All(l => l.Kind == Cql2LiteralKind.Integer && long.TryParse(l.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)):
                return new(column, [.. literals.Select(l => sql.Add(long.Parse(l.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint))]);
            case QueryableType.Integer or QueryableType.Number:
                return new(column, [.. literals.Select(l => sql.Add(Decimal(l), NpgsqlDbType.Numeric))]);
            case QueryableType.Date when literals.All(l => l.Kind == Cql2LiteralKind.Date):
                return new(column, [.. literals.Select(l => sql.Add(Date(l), NpgsqlDbType.Date))]);
            case QueryableType.Date:
                // A date compared with an instant is midnight UTC of that day, fixed here rather
                // than left to the session's time zone.
                return new(DateAsInstant(column), [.. literals.Select(l => sql.Add(Instant(l), NpgsqlDbType.TimestampTz))]);
            default:
                return new(column, [.. literals.Select(l => sql.Add(Instant(l), NpgsqlDbType.TimestampTz))]);
        }
    }

    public static string DateAsInstant(string column) => $"({column}::timestamp AT TIME ZONE 'UTC')";

    public static string Noun(QueryableType type) => type switch
    {
        QueryableType.Integer => "an integer",
        QueryableType.Number => "a number",
        QueryableType.String => "a string",
        QueryableType.Boolean => "a boolean",
        QueryableType.Date => "a date",
        QueryableType.Timestamp => "a timestamp",
        _ => "a geometry",
    };

    private static void RequireCompatible(FilterProperty queryable, Cql2Literal literal)
    {
        var fits = (queryable.Type, literal.Kind) switch
        {
            (QueryableType.String, Cql2LiteralKind.String) => true,
            (QueryableType.Integer or QueryableType.Number, Cql2LiteralKind.Integer or Cql2LiteralKind.Number) => true,
            (QueryableType.Boolean, Cql2LiteralKind.Boolean) => true,
            (QueryableType.Date or QueryableType.Timestamp, Cql2LiteralKind.Date or Cql2LiteralKind.Timestamp) => true,
            _ => false,
        };
        if (fits)
        {
            return;
        }
        var hint = queryable.Type switch
        {
            QueryableType.Date or QueryableType.Timestamp when literal.Kind == Cql2LiteralKind.String =>
                " (write DATE('YYYY-MM-DD') or TIMESTAMP('YYYY-MM-DDThh:mm:ssZ'))",
            QueryableType.Geometry => " (use a spatial function such as S_INTERSECTS)",
            _ => "",
        };
        throw new Cql2Exception(
            $"property '{queryable.Name}' is {Noun(queryable.Type)}; {literal.Shown} is {literal.Noun}{hint} at position {literal.Position}",
            literal.Position);
    }

    public static bool Boolean(Cql2Literal literal) => literal.Text == "TRUE";

    public static decimal Decimal(Cql2Literal literal) =>
        decimal.TryParse(literal.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new Cql2Exception($"the number {literal.Shown} is out of range at position {literal.Position}", literal.Position);

    public static double Double(Cql2Literal literal) => (double)Decimal(literal);

    private static DateOnly Date(Cql2Literal literal) =>
        DateOnly.TryParseExact(literal.Text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            ? value
            : throw new Cql2Exception($"{literal.Shown} is not a calendar date written YYYY-MM-DD at position {literal.Position}", literal.Position);

    // Npgsql writes timestamptz only from UTC DateTimes, which is also what CQL2 instants are.
    private static DateTime Instant(Cql2Literal literal)
    {
        if (literal.Kind == Cql2LiteralKind.Date)
        {
            return new DateTime(Date(literal), TimeOnly.MinValue, DateTimeKind.Utc);
        }
        return InstantText().IsMatch(literal.Text)
               && DateTimeOffset.TryParse(literal.Text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            ? value.UtcDateTime
            : throw new Cql2Exception($"{literal.Shown} is not an instant written YYYY-MM-DDThh:mm:ss[.fff]Z at position {literal.Position}", literal.Position);
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?([Zz]|[+-][0-9]{2}:[0-9]{2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex InstantText();
}
