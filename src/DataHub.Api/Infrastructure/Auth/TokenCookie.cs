namespace DataHub.Api.Infrastructure.Auth;

/// <summary>
/// The token of a person browsing the HTML pages: an HttpOnly cookie (scripts cannot read it)
/// sent only to this site (SameSite=Strict, so another site cannot make the browser use it).
/// API clients send the same token as a bearer header instead.
/// </summary>
public static class TokenCookie
{
    public const string Name = "datahub_token";

    public static void Set(HttpResponse response, IssuedToken token) =>
        response.Cookies.Append(Name, token.AccessToken, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = response.HttpContext.Request.IsHttps,
            Path = "/",
            MaxAge = TimeSpan.FromSeconds(token.ExpiresIn),
        });

    public static void Clear(HttpResponse response) => response.Cookies.Delete(Name, new CookieOptions { Path = "/" });
}
