using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace DataHub.Api.Collections;

/// <summary>A position in the change feed: (transaction id, change id), opaque to clients.</summary>
public readonly record struct ChangeCursor(ulong TransactionId, long ChangeId)
{
    public static readonly ChangeCursor Start = new(0, 0);

    public override string ToString() =>
        WebEncoders.Base64UrlEncode(Encoding.ASCII.GetBytes(FormattableString.Invariant($"{TransactionId}.{ChangeId}")));

    public static bool TryParse(string text, out ChangeCursor cursor)
    {
        cursor = Start;
        try
        {
            var parts = Encoding.ASCII.GetString(WebEncoders.Base64UrlDecode(text)).Split('.');
            if (parts.Length == 2
                && ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var tx)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                cursor = new ChangeCursor(tx, id);
                return true;
            }
        }
        catch (FormatException)
        {
        }
        return false;
    }
}
