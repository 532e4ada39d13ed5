using DataHub.Api.Infrastructure.Database;
using NpgsqlTypes;

namespace DataHub.Api.Collections.Filtering;

/// <summary>
/// Turns a parsed filter into a SQL boolean expression. Column names come only from the
/// queryables, values only through parameters, operators only from fixed tables below, so the
/// shape of the SQL never depends on what a client wrote inside a literal.
/// </summary>
internal sealed class Cql2Translator(IReadOnlyDictionary<string, FilterProperty> queryables, SqlBuilder sql, int storageSrid, int filterSrid, bool latitudeFirst)
{
    public const int MaxInItems = 1_000;

    private static readonly Dictionary<Cql2Comparator, string> Operators = new()
    {
        [Cql2Comparator.Equal] = "=",
        [Cql2Comparator.NotEqual] = "<>",
        [Cql2Comparator.Less] = "<",
        [Cql2Comparator.LessOrEqual] = "<=",
        [Cql2Comparator.Greater] = ">",
        [Cql2Comparator.GreaterOrEqual] = ">=",
    };

    // PostGIS's ST_ predicates (not the _ST_ ones) add a bounding-box test the GiST index serves.
    private static readonly Dictionary<string, string> SpatialFunctions = new(StringComparer.Ordinal)
    {
        ["S_INTERSECTS"] = "ST_Intersects",
        ["S_WITHIN"] = "ST_Within",
        ["S_CONTAINS"] = "ST_Contains",
        ["S_DISJOINT"] = "ST_Disjoint",
        ["S_EQUALS"] = "ST_Equals",
        ["S_TOUCHES"] = "ST_Touches",
        ["S_CROSSES"] = "ST_Crosses",
        ["S_OVERLAPS"] = "ST_Overlaps",
    };

    private readonly Cql2Geometries geometries = new(sql, storageSrid, filterSrid, latitudeFirst);

    public string Translate(Cql2Node node) => node switch
    {
        Cql2Or or => "(" + string.Join(" OR ", or.Terms.Select(Translate)) + ")",
        Cql2And and => "(" + string.Join(" AND ", and.Terms.Select(Translate)) + ")",
        Cql2Not not => "NOT (" + Translate(not.Operand) + ")",
        Cql2BooleanConstant constant => sql.Add(Cql2Values.Boolean(constant.Value), NpgsqlDbType.Boolean),
        Cql2Comparison comparison => Comparison(comparison),
        Cql2IsNull isNull => $"{SqlBuilder.Identifier(Subject(isNull.Subject, "IS NULL").Column)} IS {(isNull.Negated ? "NOT " : "")}NULL",
        Cql2Like like => Like(like),
        Cql2Between between => Between(between),
        Cql2In @in => In(@in),
        Cql2Spatial spatial => Spatial(spatial),
        _ => throw new InvalidOperationException($"no translation for {node.GetType().Name}"),
    };

    private string Comparison(Cql2Comparison comparison)
    {
        var op = Operators[comparison.Comparator];
        switch (comparison.Left, comparison.Right)
        {
            case (Cql2Property property, Cql2Literal literal):
                return PropertyAgainstLiteral(property, op, literal);
            case (Cql2Literal literal, Cql2Property property):
                return PropertyAgainstLiteral(property, Mirrored(op), literal);
            case (Cql2Property left, Cql2Property right):
                return PropertyAgainstProperty(left, op, right);
            default:
                var (l, r) = ((Cql2Literal)comparison.Left, (Cql2Literal)comparison.Right);
                throw new Cql2Exception(
                    $"a comparison needs a property on at least one side; {l.Shown} {op} {r.Shown} compares two literals at position {comparison.Position}",
                    comparison.Position);
        }
    }

    private static string Mirrored(string op) => op switch { "<" => ">", "<=" => ">=", ">" => "<", ">=" => "<=", _ => op };

    private string PropertyAgainstLiteral(Cql2Property property, string op, Cql2Literal literal)
    {
        var queryable = Resolve(property);
        RequireOrderable(queryable, property, op);
        var bound = Cql2Values.Bind(queryable, [literal], sql);
        return $"{bound.Column} {op} {bound.Placeholders[0]}";
    }

    private string PropertyAgainstProperty(Cql2Property left, string op, Cql2Property right)
    {
        var (a, b) = (Resolve(left), Resolve(right));
        if (Family(a.Type) != Family(b.Type) || a.Type == QueryableType.Geometry)
        {
            throw new Cql2Exception(
                $"property '{a.Name}' is {Cql2Values.Noun(a.Type)}; property '{b.Name}' is {Cql2Values.Noun(b.Type)}; they cannot be compared at position {left.Position}",
                left.Position);
        }
        RequireOrderable(a, left, op);
        var mixedTime = a.Type != b.Type && Family(a.Type) == "time";
        return $"{Column(a, mixedTime)} {op} {Column(b, mixedTime)}";
    }

    private static string Family(QueryableType type) => type switch
    {
        QueryableType.Integer or QueryableType.Number => "number",
        QueryableType.Date or QueryableType.Timestamp => "time",
        _ => type.ToString(),
    };

    private static string Column(FilterProperty queryable, bool asInstant)
    {
        var column = SqlBuilder.Identifier(queryable.Column);
        return asInstant && queryable.Type == QueryableType.Date ? Cql2Values.DateAsInstant(column) : column;
    }

    private static void RequireOrderable(FilterProperty queryable, Cql2Property property, string op)
    {
        if (queryable.Type == QueryableType.Boolean && op is not ("=" or "<>"))
        {
            throw new Cql2Exception($"property '{queryable.Name}' is a boolean; booleans compare only with = and <> at position {property.Position}", property.Position);
        }
    }

    private string Like(Cql2Like like)
    {
        var queryable = Subject(like.Subject, "LIKE");
        var pattern = Literal(like.Pattern, "LIKE");
        if (queryable.Type != QueryableType.String)
        {
            throw new Cql2Exception($"property '{queryable.Name}' is {Cql2Values.Noun(queryable.Type)}; LIKE needs a string property at position {like.Subject.Position}", like.Subject.Position);
        }
        // CQL2 and PostgreSQL share % and _ and the backslash escape. A CQL2 string cannot end in
        // a lone backslash (\' is an escaped quote), so PostgreSQL never sees a pattern whose
        // escape character escapes nothing.
        var bound = Cql2Values.Bind(queryable, [pattern], sql);
        return $"{bound.Column} {(like.Negated ? "NOT LIKE" : "LIKE")} {bound.Placeholders[0]}";
    }

    private string Between(Cql2Between between)
    {
        var queryable = Subject(between.Subject, "BETWEEN");
        if (queryable.Type is not (QueryableType.Integer or QueryableType.Number or QueryableType.Date or QueryableType.Timestamp))
        {
            throw new Cql2Exception($"property '{queryable.Name}' is {Cql2Values.Noun(queryable.Type)}; BETWEEN needs a number, date or timestamp property at position {between.Subject.Position}", between.Subject.Position);
        }
        var bound = Cql2Values.Bind(queryable, [Literal(between.Low, "BETWEEN"), Literal(between.High, "BETWEEN")], sql);
        return $"{bound.Column} {(between.Negated ? "NOT BETWEEN" : "BETWEEN")} {bound.Placeholders[0]} AND {bound.Placeholders[1]}";
    }

    private string In(Cql2In @in)
    {
        var queryable = Subject(@in.Subject, "IN");
        if (@in.Items.Count > MaxInItems)
        {
            throw new Cql2Exception($"an IN list holds at most {MaxInItems} values; this one has {@in.Items.Count} at position {@in.Position}", @in.Position);
        }
        var bound = Cql2Values.Bind(queryable, [.. @in.Items.Select(i => Literal(i, "IN"))], sql);
        return $"{bound.Column} {(@in.Negated ? "NOT IN" : "IN")} ({string.Join(", ", bound.Placeholders)})";
    }

    private string Spatial(Cql2Spatial spatial)
    {
        if (spatial.First is not Cql2Property && spatial.Second is not Cql2Property)
        {
            throw new Cql2Exception($"{spatial.Function} needs a geometry property as one of its arguments at position {spatial.Position}", spatial.Position);
        }
        var first = SpatialArgument(spatial.First, spatial.Function);
        var second = SpatialArgument(spatial.Second, spatial.Function);
        return $"{SpatialFunctions[spatial.Function]}({first}, {second})";
    }

    private string SpatialArgument(Cql2Operand operand, string function)
    {
        switch (operand)
        {
            case Cql2Property property:
                var queryable = Resolve(property);
                return queryable.Type == QueryableType.Geometry
                    ? SqlBuilder.Identifier(queryable.Column)
                    : throw new Cql2Exception($"property '{queryable.Name}' is {Cql2Values.Noun(queryable.Type)}; {function} needs a geometry at position {property.Position}", property.Position);
            case Cql2Bbox bbox:
                return geometries.Bbox(bbox);
            default:
                return geometries.Literal((Cql2Literal)operand);
        }
    }

    private FilterProperty Subject(Cql2Operand operand, string what) =>
        operand is Cql2Property property
            ? Resolve(property)
            : throw new Cql2Exception($"{what} needs a property on its left; {Shown(operand)} is a literal at position {operand.Position}", operand.Position);

    private static Cql2Literal Literal(Cql2Operand operand, string what) =>
        operand as Cql2Literal
        ?? throw new Cql2Exception($"{what} compares with literals; '{((Cql2Property)operand).Name}' is a property at position {operand.Position}", operand.Position);

    private static string Shown(Cql2Operand operand) => operand is Cql2Literal literal ? literal.Shown : "it";

    private FilterProperty Resolve(Cql2Property property) =>
        queryables.TryGetValue(property.Name, out var queryable)
            ? queryable
            : throw new Cql2Exception(
                $"unknown property '{property.Name}' at position {property.Position}; the queryables are: {string.Join(", ", queryables.Keys.Order(StringComparer.Ordinal))}",
                property.Position);
}
