using System.Text;

namespace DataHub.Api.Collections.Filtering;

/// <summary>
/// CQL2's quoting rules, in one place because the pre-scan, the tokenizer and the parser must
/// agree on where a string ends. In 'strings' both '' and \' stand for a quote (the CQL2 BNF's
/// escapeQuote); any other backslash is an ordinary character, which keeps LIKE's \% and \_
/// intact. In "property names" only "" stands for a double quote.
/// </summary>
internal static class Cql2Quoting
{
    /// <summary>The index of the quote closing the one at <paramref name="start"/>, or -1 when it is never closed.</summary>
    public static int ClosingQuote(string text, int start, int end)
    {
        var quote = text[start];
        for (var i = start + 1; i < end; i++)
        {
            if (IsEscape(text, i, end, quote))
            {
                i++;
            }
            else if (text[i] == quote)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The content of a quoted token with its escapes resolved.</summary>
    public static string Unquote(string quoted)
    {
        var quote = quoted[0];
        var content = new StringBuilder(quoted.Length);
        for (var i = 1; i < quoted.Length - 1; i++)
        {
            if (IsEscape(quoted, i, quoted.Length - 1, quote))
            {
                i++;
            }
            content.Append(quoted[i]);
        }
        return content.ToString();
    }

    private static bool IsEscape(string text, int i, int end, char quote) =>
        i + 1 < end && text[i + 1] == quote && (text[i] == quote || (quote == '\'' && text[i] == '\\'));
}
