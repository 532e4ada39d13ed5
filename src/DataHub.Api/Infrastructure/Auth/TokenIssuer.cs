using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DataHub.Api.Infrastructure.Auth;

/// <summary>
/// Issues the hub's access tokens: HMAC-SHA256 JWTs naming the principal and the credential epoch
/// they were issued under. Rights are not in the token: they are read on every request, so a
/// revocation or a role change takes effect on the next request.
/// </summary>
public sealed class TokenIssuer
{
    public const string Algorithm = SecurityAlgorithms.HmacSha256;
    public const string EpochClaim = "epoch";
    public const string ScopeClaim = "scope";

    private readonly AuthOptions options;
    private readonly TimeProvider clock;
    private readonly JsonWebTokenHandler handler = new();

    public TokenIssuer(IOptions<AuthOptions> options, TimeProvider clock, ILogger<TokenIssuer> logger)
    {
        this.options = options.Value;
        this.clock = clock;
        if (string.IsNullOrWhiteSpace(this.options.SigningKey))
        {
            logger.LogWarning("Auth:SigningKey is not set: tokens are signed with a random key of this process only");
            Key = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
        }
        else
        {
            if (AuthOptions.SigningKeyProblem(this.options.SigningKey) is { } problem)
            {
                throw new InvalidOperationException($"Auth:SigningKey cannot be used: {problem}.");
            }
            Key = new SymmetricSecurityKey(Convert.FromBase64String(this.options.SigningKey));
        }
        Key.KeyId = Convert.ToHexString(SHA256.HashData(Key.Key))[..16];
    }

    public SymmetricSecurityKey Key { get; }

    public IssuedToken Issue(string subject, int epoch, TimeSpan lifetime, IEnumerable<string>? scopes = null)
    {
        var now = clock.GetUtcNow();
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            [EpochClaim] = epoch,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        var scopeList = scopes?.ToList();
        if (scopeList is { Count: > 0 })
        {
            claims[ScopeClaim] = string.Join(' ', scopeList);
        }
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(Key, Algorithm),
        });
        return new IssuedToken(token, (int)lifetime.TotalSeconds);
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKey = Key,
        // Only the algorithm the hub signs with: "none" and any other algorithm (an RSA public
        // key presented as an HMAC secret, say) are refused before the signature is looked at.
        ValidAlgorithms = [Algorithm],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = "sub",
    };
}

public sealed record IssuedToken(string AccessToken, int ExpiresIn);
