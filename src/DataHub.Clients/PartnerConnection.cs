namespace DataHub.Clients;

/// <summary>
/// Where a partner API is and how the hub proves who it is: nothing, an OAuth2 access token
/// obtained with the client-credentials grant, or a client certificate (mutual TLS). Bound from
/// configuration, e.g. <c>Partners:Ministry</c>.
/// </summary>
public sealed class PartnerConnection
{
    /// <summary>The API's base URL, path prefix included (e.g. <c>https://platform.example/land/v1</c>); empty: the partner is not configured and nothing is sent to it.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary><c>none</c>, <c>client-credentials</c> or <c>certificate</c>.</summary>
    public string Authentication { get; set; } = "none";

    /// <summary>The OAuth2 token endpoint (client-credentials).</summary>
    public Uri? TokenUrl { get; set; }

    /// <summary>The OAuth2 client id (client-credentials).</summary>
    public string? ClientId { get; set; }

    /// <summary>The OAuth2 client secret (client-credentials); give it through the environment or a secret store, not a settings file.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The OAuth2 scope to ask for, if the partner wants one (client-credentials).</summary>
    public string? Scope { get; set; }

    /// <summary>The client certificate: a PKCS#12 file, or a PEM certificate with <see cref="CertificateKeyPath"/> (certificate).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of a PEM certificate (certificate).</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>The password of the PKCS#12 file or of an encrypted PEM key (certificate).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Whether the partner is configured (it has a base URL).</summary>
    public bool IsConfigured => BaseUrl is not null;

    /// <summary>A plain message naming the setting that is missing or wrong, or null.</summary>
    /// <param name="name">The configuration section, for the message.</param>
    public string? Problem(string name) =>
        BaseUrl is { } url && !IsWeb(url) ? $"{name}:BaseUrl '{url}' is not an http or https URL."
        : TokenUrl is { } token && !IsWeb(token) ? $"{name}:TokenUrl '{token}' is not an http or https URL."
        : Authentication == "certificate" && CertificatePath is { Length: > 0 } path && !File.Exists(path) ? $"{name}:CertificatePath '{path}' is not a file this process can read."
        : Authentication == "certificate" && CertificateKeyPath is { Length: > 0 } key && !File.Exists(key) ? $"{name}:CertificateKeyPath '{key}' is not a file this process can read."
        : AuthenticationProblem(name);

    private static bool IsWeb(Uri url) => url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    private string? AuthenticationProblem(string name) => Authentication switch
    {
        "none" => null,
        "client-credentials" when TokenUrl is null || string.IsNullOrEmpty(ClientId) || string.IsNullOrEmpty(ClientSecret) =>
            $"{name}: client-credentials authentication needs TokenUrl, ClientId and ClientSecret.",
        "client-credentials" => null,
        "certificate" when string.IsNullOrEmpty(CertificatePath) =>
            $"{name}: certificate authentication needs CertificatePath (PKCS#12, or PEM with CertificateKeyPath).",
        "certificate" => null,
        _ => $"{name}: Authentication is '{Authentication}'; use none, client-credentials or certificate.",
    };
}
