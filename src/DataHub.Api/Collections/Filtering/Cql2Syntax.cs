namespace DataHub.Api.Collections.Filtering;

// The parsed filter. Every node keeps the character offset it started at, so that type errors
// found during translation can point at the text the client wrote.

internal abstract record Cql2Node(int Position);

internal sealed record Cql2And(IReadOnlyList<Cql2Node> Terms) : Cql2Node(Terms[0].Position);

internal sealed record Cql2Or(IReadOnlyList<Cql2Node> Terms) : Cql2Node(Terms[0].Position);

internal sealed record Cql2Not(Cql2Node Operand, int At) : Cql2Node(At);

internal sealed record Cql2BooleanConstant(Cql2Literal Value) : Cql2Node(Value.Position);

internal enum Cql2Comparator { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual }

internal sealed record Cql2Comparison(Cql2Operand Left, Cql2Comparator Comparator, Cql2Operand Right) : Cql2Node(Left.Position);

internal sealed record Cql2IsNull(Cql2Operand Subject, bool Negated) : Cql2Node(Subject.Position);

internal sealed record Cql2Like(Cql2Operand Subject, Cql2Operand Pattern, bool Negated) : Cql2Node(Subject.Position);

internal sealed record Cql2Between(Cql2Operand Subject, Cql2Operand Low, Cql2Operand High, bool Negated) : Cql2Node(Subject.Position);

internal sealed record Cql2In(Cql2Operand Subject, IReadOnlyList<Cql2Operand> Items, bool Negated) : Cql2Node(Subject.Position);

internal sealed record Cql2Spatial(string Function, Cql2Operand First, Cql2Operand Second, int At) : Cql2Node(At);

internal abstract record Cql2Operand(int Position);

internal sealed record Cql2Property(string Name, int At) : Cql2Operand(At);

internal enum Cql2LiteralKind { String, Integer, Number, Boolean, Date, Timestamp, Geometry }

/// <summary>A literal as written: Text is the unescaped string, the digits, the date text or the WKT.</summary>
internal sealed record Cql2Literal(Cql2LiteralKind Kind, string Text, int At) : Cql2Operand(At)
{
    private const int ShownLength = 40;

    /// <summary>The literal as a client would recognise it in an error message.</summary>
    public string Shown => Kind switch
    {
        Cql2LiteralKind.String => "'" + Shorten(Text).Replace("'", "''", StringComparison.Ordinal) + "'",
        Cql2LiteralKind.Date => $"DATE('{Text}')",
        Cql2LiteralKind.Timestamp => $"TIMESTAMP('{Text}')",
        Cql2LiteralKind.Boolean => Text.ToUpperInvariant(),
        _ => Shorten(Text),
    };

    public string Noun => Kind switch
    {
        Cql2LiteralKind.Integer => "an integer",
        Cql2LiteralKind.Number => "a number",
        Cql2LiteralKind.String => "a string",
        Cql2LiteralKind.Boolean => "a boolean",
        Cql2LiteralKind.Date => "a date",
        Cql2LiteralKind.Timestamp => "a timestamp",
        _ => "a geometry",
    };

    private static string Shorten(string text) =>
        text.Length <= ShownLength ? text : string.Concat(text.AsSpan(0, ShownLength), "…");
}

internal sealed record Cql2Bbox(IReadOnlyList<Cql2Literal> Coordinates, int At) : Cql2Operand(At);
