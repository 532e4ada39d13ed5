using System.Text;
using Asp.Versioning;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.Accounts;

/// <summary>Signing in (people), tokens for clients (OAuth2 client credentials), changing one's own password.</summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/auth")]
[Tags("Authentication")]
public sealed class AuthController(SignIns signIns, ClientTokens clientTokens) : ControllerBase
{
    /// <summary>Signs a person in with username and password; the token is short-lived.</summary>
    /// <remarks>After an initial or reset password, or once the password has expired, the token
    /// allows only POST /api/v1/auth/password. With `cookie=true` (the sign-in page) the token is
    /// also set as an HttpOnly, SameSite=Strict cookie for the HTML pages.</remarks>
    [HttpPost("sign-in", Name = "SignIn")]
    [AllowAnonymous]
    [Consumes("application/json")]
    [ProducesResponseType<SignInResult>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    public async Task<ActionResult<SignInResult>> SignIn(SignInRequest request, [FromQuery] bool cookie, CancellationToken ct)
    {
        switch (await signIns.SignInAsync(request.Username, request.Password, ct))
        {
            case SignIns.SignedIn ok:
                if (cookie)
                {
                    TokenCookie.Set(Response, ok.Token);
                }
                return new SignInResult(ok.Token.AccessToken, "Bearer", ok.Token.ExpiresIn, ok.PasswordChangeRequired is not null, ok.PasswordChangeRequired);
            case SignIns.Locked locked:
                return Problem(statusCode: StatusCodes.Status403Forbidden, title: "Account locked",
                    detail: $"Too many failed sign-ins: the account is locked until {locked.Until:yyyy-MM-dd HH:mm:ss} UTC. Wait, or ask your unit head to reset the password.");
            case SignIns.Revoked:
                return Problem(statusCode: StatusCodes.Status403Forbidden, title: "Account revoked", detail: "This account has been revoked; ask the department's administrators.");
            default:
                return Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in refused", detail: "The username or password is not correct.");
        }
    }

    /// <summary>OAuth2 token endpoint (client credentials grant) for registered clients.</summary>
    /// <remarks>Form fields grant_type=client_credentials, client_id, client_secret (or HTTP Basic), and scope: space-separated rights, a subset of what the client's roles give.</remarks>
    [HttpPost("token", Name = "ClientToken")]
    [AllowAnonymous]
    [Consumes("application/x-www-form-urlencoded")]
    [ProducesResponseType<ClientTokenResult>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    public async Task<ActionResult<ClientTokenResult>> Token([FromForm] ClientTokenRequest request, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        if (request.GrantType != "client_credentials")
        {
            return OAuthError(StatusCodes.Status400BadRequest, "unsupported_grant_type", $"grant_type must be client_credentials (was '{request.GrantType}').");
        }
        var (id, secret) = (request.ClientId, request.ClientSecret);
        if (Request.Headers.Authorization.ToString() is { } basic && basic.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var encoded = basic[6..].Trim();
            var bytes = new byte[encoded.Length];
            if (!Convert.TryFromBase64String(encoded, bytes, out var length))
            {
                return OAuthError(StatusCodes.Status400BadRequest, "invalid_request", "The Basic authorization header is not base64.");
            }
            var pair = Encoding.UTF8.GetString(bytes, 0, length).Split(':', 2);
            (id, secret) = (Uri.UnescapeDataString(pair[0]), pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : null);
        }
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
        {
            return OAuthError(StatusCodes.Status400BadRequest, "invalid_request", "client_id and client_secret are required (form fields or HTTP Basic).");
        }
        var (token, scope, error, why) = await clientTokens.IssueAsync(id, secret, request.Scope, ct);
        return token is null
            ? OAuthError(error == "invalid_client" ? StatusCodes.Status401Unauthorized : StatusCodes.Status400BadRequest, error!, why!)
            : new ClientTokenResult(token.AccessToken, "Bearer", token.ExpiresIn, scope!);
    }

    /// <summary>Changes the caller's own password (the only thing allowed while a change is required).</summary>
    [HttpPost("password", Name = "ChangePassword")]
    [Authorize(Policy = Permissions.PasswordChange)]
    [Consumes("application/json")]
    [ProducesResponseType<SignInResult>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<ActionResult<SignInResult>> ChangePassword(ChangePasswordRequest request, [FromQuery] bool cookie, CancellationToken ct)
    {
        if (User.AccountId() is not { } accountId)
        {
            return this.Invalid("token", "Only people have passwords; clients rotate their secret through an administrator.");
        }
        var (problems, token) = await signIns.ChangePasswordAsync(accountId, request.CurrentPassword, request.NewPassword, ct);
        if (cookie && token is not null)
        {
            TokenCookie.Set(Response, token);
        }
        return problems is not null
            ? this.Invalid(problems, "The new password is not accepted")
            : new SignInResult(token!.AccessToken, "Bearer", token.ExpiresIn, false, null);
    }

    /// <summary>Ends the browser session of the HTML pages (removes the token cookie).</summary>
    [HttpPost("sign-out", Name = "SignOut")]
    [AllowAnonymous]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public new IActionResult SignOut()
    {
        TokenCookie.Clear(Response);
        return NoContent();
    }

    /// <summary>Who the caller is and which rights it has now.</summary>
    [HttpGet("me", Name = "WhoAmI")]
    [Authorize(Policy = Permissions.AnyPrincipal)]
    [ProducesResponseType<Caller>(StatusCodes.Status200OK, "application/json")]
    public Caller WhoAmI() => new(User.Actor(), User.UnitCode(),
        User.FindAll(Permissions.ClaimType).Select(c => c.Value).Order().ToList(),
        User.FindFirst(HubPrincipal.PasswordChangeClaim)?.Value);

    private ObjectResult OAuthError(int status, string error, string description)
    {
        var problem = ProblemDetailsFactory.CreateProblemDetails(HttpContext, status, title: error, detail: description);
        problem.Extensions["error"] = error;
        problem.Extensions["error_description"] = description;
        return new ObjectResult(problem) { StatusCode = status, ContentTypes = { "application/problem+json" } };
    }
}

public sealed record SignInRequest(string Username, string Password);

public sealed record SignInResult(string AccessToken, string TokenType, int ExpiresIn, bool PasswordChangeRequired, string? Reason);

public sealed record ChangePasswordRequest(string CurrentPassword, string NewPassword);

public sealed record Caller(string Subject, string? Unit, IReadOnlyList<string> Permissions, string? PasswordChangeRequired);

public sealed class ClientTokenRequest
{
    [FromForm(Name = "grant_type")] public string? GrantType { get; set; }
    [FromForm(Name = "client_id")] public string? ClientId { get; set; }
    [FromForm(Name = "client_secret")] public string? ClientSecret { get; set; }
    [FromForm(Name = "scope")] public string? Scope { get; set; }
}

public sealed record ClientTokenResult(
    [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
    [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType,
    [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] int ExpiresIn,
    [property: System.Text.Json.Serialization.JsonPropertyName("scope")] string Scope);
