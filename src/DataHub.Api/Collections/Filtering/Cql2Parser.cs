using Superpower;
using Superpower.Model;
using Superpower.Parsers;

namespace DataHub.Api.Collections.Filtering;

/// <summary>
/// The CQL2 text grammar as Superpower combinators: OR of ANDs of (NOT*) primaries, where a
/// primary is a parenthesised expression, a spatial function or a predicate. Precedence
/// NOT &gt; AND &gt; OR falls out of that nesting.
/// </summary>
internal static class Cql2Parser
{
    private static int At(Token<Cql2Token> token) => token.Span.Position.Absolute;

    private static TokenListParser<Cql2Token, Token<Cql2Token>> Is(Cql2Token kind) => Token.EqualTo(kind);

    private static readonly TokenListParser<Cql2Token, Cql2Operand> Property =
        Is(Cql2Token.Identifier).Select(t => (Cql2Operand)new Cql2Property(t.ToStringValue(), At(t)))
            .Or(Is(Cql2Token.QuotedIdentifier).Select(t => (Cql2Operand)new Cql2Property(Cql2Quoting.Unquote(t.ToStringValue()), At(t))));

    private static readonly TokenListParser<Cql2Token, Cql2Literal> Number =
        Is(Cql2Token.Number).Select(t => NumberLiteral(t.ToStringValue(), At(t)));

    private static readonly TokenListParser<Cql2Token, Token<Cql2Token>> StringToken = Is(Cql2Token.String);

    private static TokenListParser<Cql2Token, Cql2Literal> Temporal(Cql2Token keyword, Cql2LiteralKind kind) =>
        from word in Is(keyword)
        from open in Is(Cql2Token.LParen)
        from text in StringToken
        from close in Is(Cql2Token.RParen)
        select new Cql2Literal(kind, Cql2Quoting.Unquote(text.ToStringValue()), At(word));

    private static readonly TokenListParser<Cql2Token, Cql2Literal> Literal =
        StringToken.Select(t => new Cql2Literal(Cql2LiteralKind.String, Cql2Quoting.Unquote(t.ToStringValue()), At(t)))
            .Or(Number)
            .Or(Is(Cql2Token.True).Or(Is(Cql2Token.False)).Select(t => new Cql2Literal(Cql2LiteralKind.Boolean, t.ToStringValue().ToUpperInvariant(), At(t))))
            .Or(Temporal(Cql2Token.Date, Cql2LiteralKind.Date))
            .Or(Temporal(Cql2Token.Timestamp, Cql2LiteralKind.Timestamp));

    private static readonly TokenListParser<Cql2Token, Cql2Operand> Operand =
        Property.Or(Literal.Select(l => (Cql2Operand)l));

    private static readonly TokenListParser<Cql2Token, Cql2Operand> Bbox =
        from word in Is(Cql2Token.Bbox)
        from open in Is(Cql2Token.LParen)
        from coordinates in Number.AtLeastOnceDelimitedBy(Is(Cql2Token.Comma))
        from close in Is(Cql2Token.RParen)
        select (Cql2Operand)new Cql2Bbox(coordinates, At(word));

    private static readonly TokenListParser<Cql2Token, Cql2Operand> SpatialOperand =
        Property
            .Or(Is(Cql2Token.Geometry).Select(t => (Cql2Operand)new Cql2Literal(Cql2LiteralKind.Geometry, t.ToStringValue(), At(t))))
            .Or(Bbox);

    private static readonly TokenListParser<Cql2Token, Cql2Node> Spatial =
        from function in Is(Cql2Token.SpatialFunction)
        from open in Is(Cql2Token.LParen)
        from first in SpatialOperand
        from comma in Is(Cql2Token.Comma)
        from second in SpatialOperand
        from close in Is(Cql2Token.RParen)
        select (Cql2Node)new Cql2Spatial(function.ToStringValue().ToUpperInvariant(), first, second, At(function));

    private static readonly TokenListParser<Cql2Token, Cql2Comparator> Comparator =
        Is(Cql2Token.Equal).Value(Cql2Comparator.Equal)
            .Or(Is(Cql2Token.NotEqual).Value(Cql2Comparator.NotEqual))
            .Or(Is(Cql2Token.Less).Value(Cql2Comparator.Less))
            .Or(Is(Cql2Token.LessOrEqual).Value(Cql2Comparator.LessOrEqual))
            .Or(Is(Cql2Token.Greater).Value(Cql2Comparator.Greater))
            .Or(Is(Cql2Token.GreaterOrEqual).Value(Cql2Comparator.GreaterOrEqual));

    // What may follow the first operand of a predicate. Each alternative starts with its own
    // token, so none needs backtracking.
    private static TokenListParser<Cql2Token, Cql2Node> Tail(Cql2Operand left) =>
        (from comparator in Comparator
         from right in Operand
         select (Cql2Node)new Cql2Comparison(left, comparator, right))
        .Or(from word in Is(Cql2Token.Is)
            from not in Is(Cql2Token.Not).Value(true).OptionalOrDefault(false)
            from nul in Is(Cql2Token.Null)
            select (Cql2Node)new Cql2IsNull(left, not))
        .Or(from not in Is(Cql2Token.Not).Value(true).OptionalOrDefault(false)
            from predicate in NegatableTail(left, not)
            select predicate);

    private static TokenListParser<Cql2Token, Cql2Node> NegatableTail(Cql2Operand left, bool negated) =>
        (from like in Is(Cql2Token.Like)
         from pattern in Operand
         select (Cql2Node)new Cql2Like(left, pattern, negated))
        .Or(from between in Is(Cql2Token.Between)
            from low in Operand
            from and in Is(Cql2Token.And)
            from high in Operand
            select (Cql2Node)new Cql2Between(left, low, high, negated))
        .Or(from @in in Is(Cql2Token.In)
            from open in Is(Cql2Token.LParen)
            from items in Operand.AtLeastOnceDelimitedBy(Is(Cql2Token.Comma))
            from close in Is(Cql2Token.RParen)
            select (Cql2Node)new Cql2In(left, items, negated));

    // A lone TRUE or FALSE is a whole predicate in CQL2; anything else needs an operator after it.
    private static readonly TokenListParser<Cql2Token, Cql2Node> Predicate =
        Operand.Then(left => left is Cql2Literal { Kind: Cql2LiteralKind.Boolean } constant
            ? Tail(left).OptionalOrDefault(new Cql2BooleanConstant(constant))
            : Tail(left));

    private static readonly TokenListParser<Cql2Token, Cql2Node> Parenthesised =
        from open in Is(Cql2Token.LParen)
        from inner in Superpower.Parse.Ref(() => Disjunction!)
        from close in Is(Cql2Token.RParen)
        select inner;

    private static readonly TokenListParser<Cql2Token, Cql2Node> Primary = Parenthesised.Or(Spatial).Or(Predicate);

    // NOT NOT x is x, also under SQL's three-valued logic, so a run of NOTs folds to one or none
    // and a long run cannot deepen the SQL.
    private static readonly TokenListParser<Cql2Token, Cql2Node> Negation =
        from nots in Is(Cql2Token.Not).Many()
        from primary in Primary
        select nots.Length % 2 == 1 ? new Cql2Not(primary, At(nots[0])) : primary;

    private static readonly TokenListParser<Cql2Token, Cql2Node> Conjunction =
        Negation.AtLeastOnceDelimitedBy(Is(Cql2Token.And))
            .Select(terms => terms.Length == 1 ? terms[0] : new Cql2And(terms));

    private static readonly TokenListParser<Cql2Token, Cql2Node> Disjunction =
        Conjunction.AtLeastOnceDelimitedBy(Is(Cql2Token.Or))
            .Select(terms => terms.Length == 1 ? terms[0] : new Cql2Or(terms));

    private static readonly TokenListParser<Cql2Token, Cql2Node> Filter = Disjunction.AtEnd();

    public static Cql2Node Parse(TokenList<Cql2Token> tokens, int textLength)
    {
        var result = Filter.TryParse(tokens);
        if (result.HasValue)
        {
            return result.Value;
        }
        var at = result.ErrorPosition.HasValue ? result.ErrorPosition.Absolute : textLength;
        throw new Cql2Exception($"{result.FormatErrorMessageFragment()} at position {at}", at);
    }

    private static Cql2Literal NumberLiteral(string text, int at) =>
        new(text.AsSpan().IndexOfAny(".eE") < 0 ? Cql2LiteralKind.Integer : Cql2LiteralKind.Number, text, at);
}
