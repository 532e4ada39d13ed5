using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;
using Microsoft.AspNetCore.Mvc.ModelBinding.Validation;

namespace DataHub.Api.Infrastructure.Api;

/// <summary>
/// What MVC's validation of request bodies needs to say exactly what is wrong and where: a null
/// item in a list refused at its index (a null where the hub expects a role, a dataset or a
/// document was a 500 further in), dates kept to the years the hub's data can mean, and no
/// "The request field is required." beside the JSON error that caused it.
/// </summary>
public static partial class ModelValidation
{
    public static IMvcBuilder AddHubModelValidation(this IMvcBuilder mvc)
    {
        mvc.AddMvcOptions(o =>
        {
            o.ModelMetadataDetailsProviders.Add(new JsonDisplayNames());
            o.ModelValidatorProviders.Add(new NoNullItemsProvider());
            o.ModelValidatorProviders.Add(new DatesProvider());
        });
        mvc.Services.PostConfigure<ApiBehaviorOptions>(o =>
        {
            var answer = o.InvalidModelStateResponseFactory;
            o.InvalidModelStateResponseFactory = context =>
            {
                DropEmptyBodyEchoes(context);
                PlainJsonErrors(context.ModelState);
                var result = answer(context);
                if (result is ObjectResult { Value: ValidationProblemDetails problem })
                {
                    JsonKeys(problem.Errors);
                    // As the hub's own 400s (QueryProblems.Invalid): every problem in one line, for
                    // clients and logs that show the detail alone.
                    problem.Detail ??= string.Join(" ", problem.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
                }
                return result;
            };
        });
        return mvc;
    }

    /// <summary>
    /// A body that does not parse leaves its parameter null, and the parameter's implicit
    /// [Required] then adds "The request field is required." under the parameter's name. The JSON
    /// error (keyed by its path, <c>$.roles[0].role</c>) already says what is wrong.
    /// </summary>
    private static void DropEmptyBodyEchoes(ActionContext context)
    {
        var state = context.ModelState;
        if (!state.Keys.Any(k => k.StartsWith('$')))
        {
            return;
        }
        var bodies = context.ActionDescriptor.Parameters.Where(p => p.BindingInfo?.BindingSource == BindingSource.Body).Select(p => p.Name);
        foreach (var name in bodies.Where(n => state[n]?.Errors.Count > 0).ToList())
        {
            state.Remove(name);
        }
    }

    /// <summary>
    /// System.Text.Json says "The JSON value could not be converted to DataHub.Api.Accounts.RoleGrant.
    /// Path: $.roles[0].role | LineNumber: 0 | BytePositionInLine: 37.": a .NET type (often the
    /// enclosing record's, not the field's) and the path the key already gives. Kept: what went
    /// wrong, in the API's words, and where reading stopped.
    /// </summary>
    private static void PlainJsonErrors(ModelStateDictionary state)
    {
        foreach (var entry in state.Where(e => e.Key.StartsWith('$')).Select(e => e.Value).OfType<ModelStateEntry>())
        {
            var messages = entry.Errors.Select(e => Plain(e.ErrorMessage)).ToList();
            entry.Errors.Clear();
            messages.ForEach(m => entry.Errors.Add(new ModelError(m)));
        }
    }

    private static string Plain(string message)
    {
        if (DuplicateMessage().Match(message) is { Success: true } twice)
        {
            // "Duplicate property 'x' encountered during deserialization of type 'DataHub.Api.ApiClients.NewClient'."
            return $"The property '{twice.Groups["name"].Value}' is given twice; give it once.";
        }
        if (JsonMessage().Match(message) is not { Success: true } m)
        {
            return message;
        }
        var what = m.Groups["what"].Value.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal)
            ? "The value is not of the type this field takes (the API description gives each field's type)."
            : m.Groups["what"].Value;
        return string.Create(CultureInfo.InvariantCulture, $"{what} Reading stopped at line {int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture) + 1}, byte {m.Groups["byte"].Value}.");
    }

    [GeneratedRegex(@"^(?<what>.*?)\s*Path: \S* \| LineNumber: (?<line>\d+) \| BytePositionInLine: (?<byte>\d+)\.$", RegexOptions.Singleline)]
    private static partial Regex JsonMessage();

    [GeneratedRegex(@"^Duplicate property '(?<name>[^']*)' encountered during deserialization", RegexOptions.Singleline)]
    private static partial Regex DuplicateMessage();

    /// <summary>
    /// MVC keys a rule's error by the model's names (<c>UnitCode</c>, <c>Scope.Datasets[0]</c>);
    /// the caller wrote the JSON's (<c>unitCode</c>, <c>scope.datasets[0]</c>). Every name the hub
    /// takes is camelCase (JSON bodies by the naming policy, query and form parameters as written),
    /// so each segment's first letter is lowered. (ASP.NET's SystemTextJsonValidationMetadataProvider
    /// would do it at the source, but not for records' constructor parameters, and it breaks form
    /// fields bound under names of their own: dotnet/aspnetcore#53702.)
    /// </summary>
    // On the answer's own dictionary: the model state's keys are case-insensitive, so renaming an
    // entry there keeps the first spelling.
    private static void JsonKeys(IDictionary<string, string[]> errors)
    {
        foreach (var key in errors.Keys.Where(k => !k.StartsWith('$') && ModelSegment().IsMatch(k)).ToList())
        {
            var named = ModelSegment().Replace(key, s => s.Value.ToLowerInvariant());
            errors[named] = [.. errors.TryGetValue(named, out var already) ? already : [], .. errors[key]];
            errors.Remove(key);
        }
    }

    // An upper-case letter that starts a segment: at the start, or after a dot.
    [GeneratedRegex(@"(?<=^|\.)[A-Z]")]
    private static partial Regex ModelSegment();

    /// <summary>The names in MVC's messages ("The unitCode field is required.") as the caller wrote them.</summary>
    private sealed class JsonDisplayNames : IDisplayMetadataProvider
    {
        public void CreateDisplayMetadata(DisplayMetadataProviderContext context)
        {
            if (context.Key.MetadataKind is ModelMetadataKind.Property or ModelMetadataKind.Parameter && context.Key.Name is { Length: > 0 } name
                && context.DisplayMetadata.DisplayName is null)
            {
                context.DisplayMetadata.DisplayName = () => JsonNamingPolicy.CamelCase.ConvertName(name);
            }
        }
    }

    /// <summary>
    /// Adds <see cref="NoNullItems"/> to every list in a request. No list the hub takes has a use
    /// for a null item (roles, datasets, fields, codes, documents), so none is declared nullable.
    /// </summary>
    private sealed class NoNullItemsProvider : IModelValidatorProvider
    {
        public void CreateValidators(ModelValidatorProviderContext context)
        {
            if (context.ModelMetadata is { IsEnumerableType: true, ElementType: { } item } && (!item.IsValueType || Nullable.GetUnderlyingType(item) is not null))
            {
                context.Results.Add(new ValidatorItem { Validator = new NoNullItems(), IsReusable = true });
            }
        }
    }

    private sealed class NoNullItems : IModelValidator
    {
        public IEnumerable<ModelValidationResult> Validate(ModelValidationContext context)
        {
            if (context.Model is not System.Collections.IEnumerable items)
            {
                yield break;
            }
            var index = 0;
            foreach (var item in items)
            {
                if (item is null)
                {
                    // "[2]" joins the list's own key: roles[2].
                    yield return new ModelValidationResult($"[{index}]", $"Item {index} of the list is null; give a value or leave the item out.");
                }
                index++;
            }
        }
    }

    /// <summary>Holds every date and time MVC binds, body or query, to <see cref="RequestDates"/>.</summary>
    private sealed class DatesProvider : IModelValidatorProvider
    {
        public void CreateValidators(ModelValidatorProviderContext context)
        {
            if (context.ModelMetadata.UnderlyingOrModelType == typeof(DateOnly) || context.ModelMetadata.UnderlyingOrModelType == typeof(DateTimeOffset))
            {
                context.Results.Add(new ValidatorItem { Validator = new DateInRange(), IsReusable = true });
            }
        }
    }

    private sealed class DateInRange : IModelValidator
    {
        public IEnumerable<ModelValidationResult> Validate(ModelValidationContext context)
        {
            // A time (a dossier's receivedAt) is held to the same years, by its date where it was given.
            var (date, shown, kind) = context.Model switch
            {
                DateOnly d => (d, d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "date"),
                DateTimeOffset t => (DateOnly.FromDateTime(t.DateTime), t.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture), "time"),
                _ => (RequestDates.First, "", ""),
            };
            if (RequestDates.InYears(date))
            {
                return [];
            }
            // A body's missing date and an explicit 0001-01-01 look the same here (the validator
            // sees the value's own type, DateOnly, even for a DateOnly? field).
            return [new ModelValidationResult(null, date == DateOnly.MinValue
                ? $"The {kind} is missing (or 0001-01-01): give one from {RequestDates.Span}{(kind == "date" ? ", as yyyy-mm-dd" : " (ISO 8601 with offset)")}."
                : RequestDates.Outside(kind, shown))];
        }
    }
}
