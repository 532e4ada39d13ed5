using System.ComponentModel.DataAnnotations;

namespace DataHub.Api.Infrastructure.Auth;

/// <summary>Settings under "Auth". Every limit can be made stricter by configuration.</summary>
public sealed class AuthOptions
{
    public string Issuer { get; set; } = "datahub";
    public string Audience { get; set; } = "datahub-api";

    /// <summary>Base64 HMAC-SHA256 key of at least 32 bytes. Without one the hub makes a random
    /// key per process: tokens then end with the process and do not work across processes.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Why a configured signing key cannot be used, or null (also when none is set).</summary>
    public static string? SigningKeyProblem(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return null;
        }
        var bytes = new byte[key.Length];
        return !Convert.TryFromBase64String(key, bytes, out var length) ? "not base64"
            : length < 32 ? $"{length} bytes, fewer than 32" : null;
    }

    [Range(1, 24 * 60, ErrorMessage = "must be from 1 to 1440.")]
    public int AccessTokenMinutes { get; set; } = 15;
    [Range(1, 24 * 60, ErrorMessage = "must be from 1 to 1440.")]
    public int ClientTokenMinutes { get; set; } = 15;

    /// <summary>At least 8 whatever is set (the regulation's floor); every password also needs
    /// upper case, lower case, a digit and a special character.</summary>
    [Range(1, 128, ErrorMessage = "must be from 1 to 128 (below 8 counts as 8).")]
    public int PasswordMinLength { get; set; } = 8;
    /// <summary>At most 90 days whatever is set.</summary>
    public int PasswordExpiryDays { get => passwordExpiryDays; set => passwordExpiryDays = Math.Clamp(value, 1, 90); }
    /// <summary>At least 5 whatever is set.</summary>
    public int PasswordHistory { get => passwordHistory; set => passwordHistory = Math.Max(5, value); }

    private int passwordExpiryDays = 90;
    private int passwordHistory = 5;

    [Range(1, 100, ErrorMessage = "must be from 1 to 100.")]
    public int LockoutFailures { get; set; } = 5;
    [Range(1, 24 * 60, ErrorMessage = "must be from 1 to 1440.")]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>Rights end at the latest this many working days after a departure's effective date.</summary>
    [Range(0, 5, ErrorMessage = "must be from 0 to 5 (the regulation gives 5 working days at most).")]
    public int RevocationWorkingDays { get; set; } = 5;
    [Range(1, 3650, ErrorMessage = "must be from 1 to 3650.")]
    public int UnusedAccountDays { get; set; } = 90;

    /// <summary>Requests per window for one signed-in principal, and for one address without a token.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1.")]
    public int RateLimitPerPrincipal { get; set; } = 2000;
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1.")]
    public int RateLimitAnonymous { get; set; } = 200;
    [Range(1, 3600, ErrorMessage = "must be from 1 to 3600.")]
    public int RateLimitWindowSeconds { get; set; } = 10;

    public string TimeZone { get; set; } = "Asia/Ho_Chi_Minh";
}
