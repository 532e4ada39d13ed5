using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace DataHub.Api.Accounts;

/// <summary>
/// Passwords are hashed with ASP.NET Core Identity's hasher (PBKDF2-HMAC-SHA512, 100,000
/// iterations, per-password salt). Client secrets are 256 random bits, so one SHA-256 is enough
/// and a token request stays cheap.
/// </summary>
public static class Secrets
{
    private static readonly PasswordHasher<object> Hasher = new();
    private static readonly object Nobody = new();

    // Verified against when the username is unknown, so a wrong username costs as much time as a wrong password.
    public static readonly string DummyHash = Hasher.HashPassword(Nobody, "not a password of anyone");

    public static string HashPassword(string password) => Hasher.HashPassword(Nobody, password);

    public static bool VerifyPassword(string hash, string password) =>
        Hasher.VerifyHashedPassword(Nobody, hash, password) != PasswordVerificationResult.Failed;

    /// <summary>A one-time password that meets the policy: 16 characters from every class.</summary>
    public static string NewTemporaryPassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnopqrstuvwxyz", digits = "23456789", special = "!#%+-=?@";
        const string all = upper + lower + digits + special;
        var chars = new[] { Pick(upper), Pick(lower), Pick(digits), Pick(special) }
            .Concat(Enumerable.Range(0, 12).Select(_ => Pick(all))).ToArray();
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    public static string NewClientSecret() => "dhs_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string HashClientSecret(string secret) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    public static bool VerifyClientSecret(string hash, string secret) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(hash), System.Text.Encoding.ASCII.GetBytes(HashClientSecret(secret)));

    private static char Pick(string from) => from[RandomNumberGenerator.GetInt32(from.Length)];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
