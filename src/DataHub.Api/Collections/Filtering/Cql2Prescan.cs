namespace DataHub.Api.Collections.Filtering;

/// <summary>
/// Checks quotes and parentheses before Superpower sees the text: the messages name the exact
/// character at fault, and the parser's recursion is bounded before it starts.
/// </summary>
internal static class Cql2Prescan
{
    public const int MaxLength = 20_000;
    public const int MaxDepth = 50;

    public static void Check(string filter)
    {
        if (filter.Length > MaxLength)
        {
            throw new Cql2Exception($"the filter is {filter.Length} characters long; at most {MaxLength} are allowed at position {MaxLength}", MaxLength);
        }
        if (string.IsNullOrWhiteSpace(filter))
        {
            throw new Cql2Exception("the filter is empty at position 0", 0);
        }

        RequireEncodable(filter);
        var open = new Stack<int>();
        for (var i = 0; i < filter.Length; i++)
        {
            switch (filter[i])
            {
                case '\'' or '"':
                    i = SkipQuoted(filter, i);
                    break;
                case '(':
                    open.Push(i);
                    if (open.Count > MaxDepth)
                    {
                        throw new Cql2Exception($"parentheses are nested deeper than {MaxDepth} levels at position {i}", i);
                    }
                    break;
                case ')':
                    if (open.Count == 0)
                    {
                        throw new Cql2Exception($"unbalanced parentheses: ')' has no matching '(' at position {i}", i);
                    }
                    open.Pop();
                    break;
            }
        }
        if (open.Count > 0)
        {
            var at = open.Peek();
            throw new Cql2Exception($"unbalanced parentheses: '(' is never closed at position {at}", at);
        }
    }

    // PostgreSQL text cannot hold NUL, and Npgsql refuses to encode a lone surrogate: either would
    // surface as a server error instead of a client one.
    private static void RequireEncodable(string filter)
    {
        for (var i = 0; i < filter.Length; i++)
        {
            var c = filter[i];
            if (c == '\0')
            {
                throw new Cql2Exception($"the filter contains a NUL character at position {i}", i);
            }
            if (char.IsHighSurrogate(c) && i + 1 < filter.Length && char.IsLowSurrogate(filter[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new Cql2Exception($"the filter contains a broken UTF-16 surrogate at position {i}", i);
            }
        }
    }

    // Returns the index of the closing quote.
    private static int SkipQuoted(string filter, int start)
    {
        var quote = filter[start];
        var close = Cql2Quoting.ClosingQuote(filter, start, filter.Length);
        if (close >= 0)
        {
            return close;
        }
        var what = quote == '\'' ? "string" : "quoted property name";
        throw new Cql2Exception($"unterminated {what}: the {quote} is never closed at position {start}", start);
    }
}
