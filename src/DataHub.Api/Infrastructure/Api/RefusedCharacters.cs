using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace DataHub.Api.Infrastructure.Api;

/// <summary>
/// Characters no text the hub keeps can hold, refused where they come in, naming where.
/// PostgreSQL text cannot hold U+0000, so a NUL failed in the database (a 500): query parameters
/// and form fields are checked here, JSON bodies' strings by <see cref="RefusingConverter"/>. A
/// JSON escape of half a surrogate pair (<c>"\ud800"</c>) is not text at all: .NET refuses to
/// read it, which it did at the first use of a record or of a JSON element kept whole (a 500);
/// MVC's JSON elements are checked by <see cref="ElementConverter"/>. Submissions' records and
/// dossiers' forms are checked for both by <see cref="PathsIn"/>. A 400 from the database's
/// refusal of a NUL is the backstop.
/// </summary>
public static class RefusedCharacters
{
    public const string Refusal = "contains a NUL character (U+0000), which the hub does not accept";
    public const string HalfPair = "holds half of a UTF-16 surrogate pair (an escape from \\uD800 to \\uDFFF without its other half), which is not text";

    public static bool In(string? text) => text is not null && text.Contains('\0', StringComparison.Ordinal);

    public static IServiceCollection AddNulRefusal(this IServiceCollection services) => services.AddExceptionHandler<DatabaseRefusalHandler>();

    /// <summary>Answers 400 naming the first query parameter or form field with a NUL, before any action runs.</summary>
    public static WebApplication UseNulRefusal(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var (where, name) = context.Request.Query.FirstOrDefault(q => In(q.Key) || q.Value.Any(In)) is { Key: not null } q
                ? ("query parameter", Printable(q.Key)) : (null, null);
            // Only URL-encoded forms (sign-in, tokens): small, and read again by model binding.
            if (where is null && context.Request.HasFormContentType
                && context.Request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
                && await FormFieldWithNulAsync(context.Request) is { } field)
            {
                (where, name) = ("form field", field);
            }
            if (where is null || name is null)
            {
                await next(context);
                return;
            }
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteStatusAsync(context, null, StatusCodes.Status400BadRequest,
                "The request is not valid", $"The {where} '{name}' {Refusal}.", new Dictionary<string, string[]> { [name] = [$"The value {Refusal}."] });
        });
        return app;
    }

    /// <summary>
    /// The JSON Pointers of the names and strings in <paramref name="element"/> that hold a NUL or
    /// half a surrogate pair. Both can only be written as escapes, and nearly every record has
    /// neither, which one scan of its raw text tells; only then is the record walked.
    /// </summary>
    public static IReadOnlyList<(string Pointer, string Message)> PathsIn(JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.IndexOf("\\u0000"u8) < 0 && !HasSurrogateEscape(raw))
        {
            return [];
        }
        var found = new List<(string, string)>();
        Walk(element, "", found);
        return found;
    }

    // \uD800-\uDFFF in either case. (An escaped backslash before a 'u' can match too: that only
    // costs a walk that finds nothing.)
    private static bool HasSurrogateEscape(ReadOnlySpan<byte> raw)
    {
        while (raw.IndexOf("\\u"u8) is var at and >= 0)
        {
            raw = raw[(at + 2)..];
            if (raw.Length >= 2 && (raw[0] | 0x20) == 'd' && "89abcdefABCDEF"u8.Contains(raw[1]))
            {
                return true;
            }
        }
        return false;
    }

    private static void Walk(JsonElement element, string pointer, List<(string, string)> found)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (Decoded(() => property.Name) is not { } name)
                    {
                        found.Add((pointer, $"A property name here {HalfPair}."));
                        continue;
                    }
                    var inner = pointer + "/" + name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
                    if (In(name))
                    {
                        found.Add((inner, $"The property name {Refusal}."));
                    }
                    Walk(property.Value, inner, found);
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, $"{pointer}/{index++}", found);
                }
                break;
            case JsonValueKind.String:
                var text = Decoded(element.GetString);
                if (text is null)
                {
                    found.Add((pointer, $"The value {HalfPair}."));
                }
                else if (In(text))
                {
                    found.Add((pointer, $"The value {Refusal}."));
                }
                break;
        }
    }

    // .NET decodes a JSON string (a value or a property's name) only when asked, and refuses half
    // a pair then.
    private static string? Decoded(Func<string?> read)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// The first field of a URL-encoded form whose name or value holds a NUL (%00), read from the
    /// raw body, which is then rewound for model binding. (ASP.NET's form reader refuses %00 with
    /// "The form value contains invalid characters", which does not say where.)
    /// </summary>
    private static async Task<string?> FormFieldWithNulAsync(HttpRequest request)
    {
        const int Largest = 64 * 1024;
        if (request.ContentLength is null or > Largest)
        {
            return null;
        }
        request.EnableBuffering();
        using var reader = new StreamReader(request.Body, leaveOpen: true);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        foreach (var pair in text.Split('&'))
        {
            if (pair.Contains("%00", StringComparison.Ordinal) || pair.Contains('\0', StringComparison.Ordinal))
            {
                var name = pair.Split('=')[0].Replace('+', ' ');
                return Printable(Uri.UnescapeDataString(name));
            }
        }
        return null;
    }

    private static string Printable(string name) => name.Replace("\0", "\\u0000", StringComparison.Ordinal);

    /// <summary>
    /// Every string of a JSON body read by model binding: a NUL fails the binding, which answers 400
    /// with the value's JSON path and this message.
    /// </summary>
    public sealed class RefusingConverter : JsonConverter<string>
    {
        public override bool HandleNull => false;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            string? value;
            try
            {
                value = reader.GetString();
            }
            catch (InvalidOperationException) when (reader.TokenType == JsonTokenType.String)
            {
                // A JSON string that is not text: System.Text.Json cannot make a string of half a
                // pair, and left to it the answer said the value was of the wrong type. (A number
                // or an object here is one, and is left to its wording.)
                throw new JsonException($"The value {HalfPair}.");
            }
            return In(value) ? throw new JsonException($"The value {Refusal}.") : value;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    /// <summary>
    /// Every JSON element a request body keeps whole (a dossier's form, a step's data, an area's
    /// geometry): a NUL or half a surrogate pair in it is a 400 at the element's path, the message
    /// naming the place inside ("At /transferee/address: ...").
    /// </summary>
    public sealed class ElementConverter : JsonConverter<JsonElement>
    {
        public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var element = JsonElement.ParseValue(ref reader);
            if (PathsIn(element) is [var (pointer, message), ..])
            {
                throw new JsonException(pointer.Length == 0 ? message : $"At {pointer}: {message}");
            }
            return element;
        }

        public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);
    }

    /// <summary>What reaches the database anyway (a JSON element kept whole, say): 400, nothing written.</summary>
    private sealed class DatabaseRefusalHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            // 22021: invalid byte sequence (0x00 in text); 22P05: \u0000 in jsonb.
            if (exception is not PostgresException { SqlState: "22021" or "22P05" } || httpContext.Response.HasStarted)
            {
                return false;
            }
            return await problems.WriteStatusAsync(httpContext, exception, StatusCodes.Status400BadRequest, "The request is not valid",
                $"A text value in the request {Refusal}; nothing was written.");
        }
    }
}
