using System.Reflection;
using DataHub.Api.Infrastructure.Auth;
using Microsoft.Extensions.Options;

namespace DataHub.Api.Accounts;

/// <summary>
/// The regulation's password rules, checked on the server: length, character classes, not a
/// common password (zxcvbn's list of 49,000, also after undoing l33t spelling and stripping the
/// digits and symbols people add to a common word), not the username.
/// </summary>
public sealed class PasswordPolicy(IOptions<AuthOptions> options)
{
    private static readonly Lazy<HashSet<string>> Common = new(LoadCommon);

    public IReadOnlyList<string> Problems(string password, string username)
    {
        // Settings may make the rules stricter, never weaker than the regulation's.
        var minLength = Math.Max(8, options.Value.PasswordMinLength);
        var problems = new List<string>();
        if (password.Length < minLength)
        {
            problems.Add($"The password must have at least {minLength} characters (it has {password.Length}).");
        }
        var missing = new List<string>();
        if (!password.Any(char.IsUpper)) missing.Add("an upper-case letter");
        if (!password.Any(char.IsLower)) missing.Add("a lower-case letter");
        if (!password.Any(char.IsDigit)) missing.Add("a digit");
        if (password.All(char.IsLetterOrDigit)) missing.Add("a special character");
        if (missing.Count > 0)
        {
            problems.Add($"The password must contain {string.Join(", ", missing)}.");
        }
        if (IsCommon(password))
        {
            problems.Add("The password is a common password (or a common word with digits or symbols added); choose one that is not easy to guess.");
        }
        if (username.Length >= 3 && password.Contains(username, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("The password must not contain the username.");
        }
        return problems;
    }

    public static bool IsCommon(string password)
    {
        var lower = password.ToLowerInvariant();
        var unleet = new string(lower.Select(c => c switch { '@' or '4' => 'a', '0' => 'o', '1' or '!' => 'i', '3' => 'e', '$' or '5' => 's', '7' => 't', _ => c }).ToArray());
        return new[] { lower, Core(lower), Core(unleet) }.Any(candidate => candidate.Length >= 4 && Common.Value.Contains(candidate));
    }

    // The word inside the digits and symbols people put around it: "!Password2024#" -> "password".
    private static string Core(string text) => text.Trim("0123456789!@#$%^&*()_+-=.,?~`'\"[]{}<>/\\|;: ".ToCharArray());

    private static HashSet<string> LoadCommon()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("DataHub.Api.Accounts.common-passwords.txt")
            ?? throw new InvalidOperationException("the common password list is missing from the build");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            set.Add(line);
        }
        return set;
    }
}
