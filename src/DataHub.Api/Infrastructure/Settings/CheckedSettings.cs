using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace DataHub.Api.Infrastructure.Settings;

/// <summary>
/// Every settings section the hub reads is bound to a class and checked when the hub starts. A
/// value that is not of the setting's type or out of its range, or a key the section does not
/// have (a misspelt environment variable), stops the start with a message naming the setting.
/// Read where it was used, such a value made every request that used it a 500, and a misspelt
/// key was silently the default.
/// </summary>
public static class CheckedSettings
{
    /// <summary>
    /// Binds <paramref name="section"/> to <typeparamref name="T"/> (named options when
    /// <paramref name="name"/> is given) and checks its data annotations, nested groups included,
    /// at start. <paramref name="otherKeys"/> are children of the section that other settings read.
    /// </summary>
    public static OptionsBuilder<T> AddCheckedSettings<T>(this IServiceCollection services, string section, string? name = null, params string[] otherKeys)
        where T : class =>
        services.AddOptions<T>(name ?? Options.DefaultName)
            .Configure<IConfiguration>((settings, configuration) => Bind(configuration.GetSection(section), settings, otherKeys))
            .Check(settings => Annotations(settings, section))
            .ValidateOnStart();

    /// <summary>
    /// Every section's problems, all at once, before the host starts: by then some services are
    /// built, and the first of them to read a wrong section would report that section alone.
    /// </summary>
    public static List<string> Problems(WebApplication app)
    {
        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (OptionsValidationException invalid)
        {
            return [.. invalid.Failures];
        }
        catch (AggregateException all) when (all.InnerExceptions.All(i => i is OptionsValidationException))
        {
            return [.. all.InnerExceptions.SelectMany(i => ((OptionsValidationException)i).Failures)];
        }
    }

    /// <summary>A check that words its own problems, for rules across settings.</summary>
    public static OptionsBuilder<T> Check<T>(this OptionsBuilder<T> builder, Func<T, string?> problem) where T : class =>
        builder.Check(settings => problem(settings) is { } failure ? [failure] : []);

    /// <summary>A check that words each of its problems.</summary>
    public static OptionsBuilder<T> Check<T>(this OptionsBuilder<T> builder, Func<T, IEnumerable<string>> problems) where T : class
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(new ProblemCheck<T>(builder.Name, problems));
        return builder;
    }

    /// <summary>
    /// A check of settings outside a section (DATAHUB_DB, DATAHUB_LOG_FORMAT, the list of
    /// partners), made at start with the others. <paramref name="name"/> tells checks apart.
    /// </summary>
    public static void AddSettingCheck(this IServiceCollection services, string name, Func<IConfiguration, IServiceProvider, IEnumerable<string>> problems) =>
        services.AddOptions<SettingCheck>(name)
            .Configure<IConfiguration, IServiceProvider>((check, configuration, provider) => check.Problems.AddRange(problems(configuration, provider)))
            .Check(check => check.Problems)
            .ValidateOnStart();

    /// <summary>What <see cref="AddSettingCheck"/> found.</summary>
    public sealed class SettingCheck
    {
        public List<string> Problems { get; } = [];
    }

    private sealed class ProblemCheck<T>(string name, Func<T, IEnumerable<string>> problems) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? optionsName, T options) =>
            optionsName != name ? ValidateOptionsResult.Skip
            : problems(options).ToList() is { Count: > 0 } failures ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    /// <summary>The section's values on <paramref name="settings"/>, or an OptionsValidationException saying which setting is wrong.</summary>
    private static void Bind<T>(IConfigurationSection section, T settings, string[] otherKeys) where T : class
    {
        var unknown = UnknownKeys(section, typeof(T), otherKeys).ToList();
        if (unknown.Count > 0)
        {
            throw new OptionsValidationException(section.Path, typeof(T), [.. unknown]);
        }
        try
        {
            section.Bind(settings);
        }
        catch (InvalidOperationException e)
        {
            // "Failed to convert configuration value 'abc' at 'Submissions:MaxBodyBytes' to type 'System.Int64'."
            throw new OptionsValidationException(section.Path, typeof(T), [e.Message]);
        }
    }

    private static IEnumerable<string> UnknownKeys(IConfigurationSection section, Type type, IReadOnlyCollection<string> otherKeys)
    {
        var properties = Settable(type).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (otherKeys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }
            if (!properties.TryGetValue(child.Key, out var property))
            {
                yield return $"{child.Path} is not a setting the hub knows; {section.Path} takes {string.Join(", ", properties.Keys.Order())}.";
            }
            else if (IsGroup(property.PropertyType))
            {
                foreach (var nested in UnknownKeys(child, property.PropertyType, []))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>Each data annotation that fails, as "Section:Key message" ("Backups:Sftp:Port must be from 1 to 65535.").</summary>
    private static IEnumerable<string> Annotations(object settings, string path)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true);
        foreach (var result in results)
        {
            yield return $"{path}:{string.Join(", ", result.MemberNames)} {result.ErrorMessage}";
        }
        foreach (var group in Settable(settings.GetType()).Where(p => IsGroup(p.PropertyType)))
        {
            if (group.GetValue(settings) is { } nested)
            {
                foreach (var problem in Annotations(nested, $"{path}:{group.Name}"))
                {
                    yield return problem;
                }
            }
        }
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true });

    /// <summary>A nested group of settings (Backups:Sftp), not a value or a list.</summary>
    private static bool IsGroup(Type type) => type.IsClass && type.Namespace?.StartsWith("DataHub", StringComparison.Ordinal) == true;
}
