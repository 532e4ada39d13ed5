using Superpower;
using Superpower.Model;
using Superpower.Parsers;
using Superpower.Tokenizers;

namespace DataHub.Api.Collections.Filtering;

/// <summary>
/// Splits CQL2 text into tokens. Keywords are recognised as identifiers first and renamed after,
/// so that "andover" stays a property name and "AND"/"and" are the same keyword.
/// </summary>
internal static class Cql2Tokenizer
{
    private static readonly Dictionary<string, Cql2Token> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["AND"] = Cql2Token.And,
        ["OR"] = Cql2Token.Or,
        ["NOT"] = Cql2Token.Not,
        ["LIKE"] = Cql2Token.Like,
        ["BETWEEN"] = Cql2Token.Between,
        ["IN"] = Cql2Token.In,
        ["IS"] = Cql2Token.Is,
        ["NULL"] = Cql2Token.Null,
        ["TRUE"] = Cql2Token.True,
        ["FALSE"] = Cql2Token.False,
        ["DATE"] = Cql2Token.Date,
        ["TIMESTAMP"] = Cql2Token.Timestamp,
        ["BBOX"] = Cql2Token.Bbox,
        ["S_INTERSECTS"] = Cql2Token.SpatialFunction,
        ["S_WITHIN"] = Cql2Token.SpatialFunction,
        ["S_CONTAINS"] = Cql2Token.SpatialFunction,
        ["S_DISJOINT"] = Cql2Token.SpatialFunction,
        ["S_EQUALS"] = Cql2Token.SpatialFunction,
        ["S_TOUCHES"] = Cql2Token.SpatialFunction,
        ["S_CROSSES"] = Cql2Token.SpatialFunction,
        ["S_OVERLAPS"] = Cql2Token.SpatialFunction,
    };

    private static readonly HashSet<string> GeometryTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION",
    };

    private static readonly Tokenizer<Cql2Token> Tokenizer = new TokenizerBuilder<Cql2Token>()
        .Ignore(Span.WhiteSpace)
        .Match(Character.EqualTo('('), Cql2Token.LParen)
        .Match(Character.EqualTo(')'), Cql2Token.RParen)
        .Match(Character.EqualTo(','), Cql2Token.Comma)
        .Match(Span.EqualTo("<>"), Cql2Token.NotEqual)
        .Match(Span.EqualTo("<="), Cql2Token.LessOrEqual)
        .Match(Span.EqualTo(">="), Cql2Token.GreaterOrEqual)
        .Match(Character.EqualTo('<'), Cql2Token.Less)
        .Match(Character.EqualTo('>'), Cql2Token.Greater)
        .Match(Character.EqualTo('='), Cql2Token.Equal)
        .Match(Recognizer(MeasureQuoted('\''), "string"), Cql2Token.String)
        .Match(Recognizer(MeasureQuoted('"'), "quoted property name"), Cql2Token.QuotedIdentifier)
        .Match(Recognizer(MeasureNumber, "number"), Cql2Token.Number, requireDelimiters: true)
        .Match(Recognizer(MeasureGeometry, "geometry"), Cql2Token.Geometry)
        .Match(Recognizer(MeasureIdentifier, "property name"), Cql2Token.Identifier, requireDelimiters: true)
        .Build();

    public static TokenList<Cql2Token> Tokenize(string filter)
    {
        var result = Tokenizer.TryTokenize(filter);
        if (!result.HasValue)
        {
            var at = result.ErrorPosition.HasValue ? result.ErrorPosition.Absolute : filter.Length;
            throw new Cql2Exception($"{result.FormatErrorMessageFragment()} at position {at}", at);
        }
        return new TokenList<Cql2Token>([.. result.Value.Select(Classify)]);
    }

    private static Token<Cql2Token> Classify(Token<Cql2Token> token) =>
        token.Kind == Cql2Token.Identifier && Keywords.TryGetValue(token.Span.ToStringValue(), out var keyword)
            ? new Token<Cql2Token>(keyword, token.Span)
            : token;

    // Hand-written scanners rather than regular expressions: each is one linear pass, so no
    // input can make tokenizing slow.
    private static TextParser<TextSpan> Recognizer(Func<string, int, int, int> measure, string expectation) => input =>
    {
        var start = input.Position.Absolute;
        var length = input.IsAtEnd ? 0 : measure(input.Source!, start, start + input.Length);
        return length > 0
            ? Result.Value(input.First(length), input, input.Skip(length))
            : Result.Empty<TextSpan>(input, [expectation]);
    };

    private static Func<string, int, int, int> MeasureQuoted(char quote) => (text, start, end) =>
        text[start] == quote && Cql2Quoting.ClosingQuote(text, start, end) is var close and >= 0 ? close + 1 - start : 0;

    private static int MeasureNumber(string text, int start, int end)
    {
        var i = start;
        if (i < end && text[i] is '+' or '-')
        {
            i++;
        }
        var digits = SkipDigits(text, ref i, end);
        if (i < end && text[i] == '.')
        {
            i++;
            digits += SkipDigits(text, ref i, end);
        }
        if (digits == 0)
        {
            return 0;
        }
        if (i < end && text[i] is 'e' or 'E')
        {
            var exponent = i + 1;
            if (exponent < end && text[exponent] is '+' or '-')
            {
                exponent++;
            }
            if (SkipDigits(text, ref exponent, end) > 0)
            {
                i = exponent;
            }
        }
        return i - start;
    }

    private static int SkipDigits(string text, ref int i, int end)
    {
        var from = i;
        while (i < end && char.IsAsciiDigit(text[i]))
        {
            i++;
        }
        return i - from;
    }

    private static int MeasureIdentifier(string text, int start, int end)
    {
        if (!(char.IsLetter(text[start]) || text[start] == '_'))
        {
            return 0;
        }
        var i = start + 1;
        while (i < end && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.' or ':'))
        {
            i++;
        }
        return i - start;
    }

    // A WKT literal is one token from its type name to the parenthesis that closes it; WKTReader
    // checks what is inside.
    private static int MeasureGeometry(string text, int start, int end)
    {
        var i = start;
        while (i < end && char.IsAsciiLetter(text[i]))
        {
            i++;
        }
        if (!GeometryTypes.Contains(text[start..i]))
        {
            return 0;
        }
        SkipSpaces(text, ref i, end);
        var dimension = i;
        while (i < end && text[i] is 'Z' or 'z' or 'M' or 'm')
        {
            i++;
        }
        if (i - dimension > 2)
        {
            return 0;
        }
        SkipSpaces(text, ref i, end);
        if (i >= end || text[i] != '(')
        {
            return 0;
        }
        var depth = 0;
        for (; i < end; i++)
        {
            if (text[i] is '\'' or '"')
            {
                return 0;
            }
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth == 0)
            {
                return i + 1 - start;
            }
        }
        return 0;
    }

    private static void SkipSpaces(string text, ref int i, int end)
    {
        while (i < end && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
    }
}
