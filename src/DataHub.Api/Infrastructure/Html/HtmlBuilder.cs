using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace DataHub.Api.Infrastructure.Html;

/// <summary>Markup the hub wrote itself (a fragment from another <see cref="HtmlBuilder"/>): written as is.</summary>
public readonly record struct RawHtml(string Value);

/// <summary>
/// Builds a page from interpolated strings in which every hole is HTML-encoded unless it is
/// <see cref="RawHtml"/>: a value from the database or the request cannot be forgotten unencoded.
/// </summary>
public sealed class HtmlBuilder
{
    // Every script kept as is (Vietnamese stays readable); markup characters are still encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly StringBuilder text = new();

    public HtmlBuilder Append([InterpolatedStringHandlerArgument("")] ref HtmlInterpolation html) => this;

    public RawHtml ToHtml() => new(text.ToString());

    public override string ToString() => text.ToString();

    public static string Encode(string? value) => value is null ? "" : Encoder.Encode(value);

    [InterpolatedStringHandler]
    public readonly ref struct HtmlInterpolation
    {
        private readonly StringBuilder text;

        public HtmlInterpolation(int literalLength, int formattedCount, HtmlBuilder builder)
        {
            _ = formattedCount;
            text = builder.text;
            text.EnsureCapacity(text.Length + literalLength);
        }

        public void AppendLiteral(string value) => text.Append(value);

        public void AppendFormatted(RawHtml value) => text.Append(value.Value);

        public void AppendFormatted(string? value) => text.Append(Encode(value));

        public void AppendFormatted<T>(T value) where T : IFormattable =>
            text.Append(Encode(value.ToString(null, CultureInfo.InvariantCulture)));
    }
}
