using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace DataHub.Api.Infrastructure.Api;

/// <summary>
/// PostgreSQL text cannot hold U+0000, so a NUL character in anything the hub stores or looks up
/// failed in the database (a 500). It is refused where it comes in, naming where: query
/// parameters and form fields here, JSON bodies through <see cref="RefusingConverter"/>,
/// submissions' records and dossiers' forms in their checks (<see cref="PathsIn"/>). A 400 from
/// the database's refusal is the backstop.
/// </summary>
public static class NulCharacters
{
    public const string Refusal = "contains a NUL character (U+0000), which the hub does not accept";

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
    /// The JSON Pointers of the names and strings in <paramref name="element"/> that hold a NUL.
    /// Nearly every record has none, which one scan of its raw text for the escape tells.
    /// </summary>
    public static IReadOnlyList<(string Pointer, string Message)> PathsIn(JsonElement element)
    {
        if (JsonMarshal.GetRawUtf8Value(element).IndexOf("\\u0000"u8) < 0)
        {
            return [];
        }
        var found = new List<(string, string)>();
        Walk(element, "", found);
        return found;
    }

    private static void Walk(JsonElement element, string pointer, List<(string, string)> found)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var inner = pointer + "/" + property.Name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
                    if (In(property.Name))
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
            case JsonValueKind.String when In(element.GetString()):
                found.Add((pointer, $"The value {Refusal}."));
                break;
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
            var value = reader.GetString();
            return In(value) ? throw new JsonException($"The value {Refusal}.") : value;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
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
