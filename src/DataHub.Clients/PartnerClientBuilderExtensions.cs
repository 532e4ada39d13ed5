using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;

namespace DataHub.Clients;

/// <summary>Connects a typed partner client (Refit) to its partner: base URL and credentials.</summary>
public static class PartnerClientBuilderExtensions
{
    /// <summary>
    /// Sets the base address, the client certificate (certificate authentication), the token
    /// handler (client-credentials authentication) and a <see cref="RetryAfterGate"/> that holds
    /// every request of the client behind the partner's last Retry-After (waits over 5 s are
    /// answered at once with a 429). Call it after adding the resilience handler, so these sit
    /// inside it and every retry passes through them.
    /// </summary>
    /// <param name="builder">The client's builder, from <c>AddRefitClient</c>.</param>
    /// <param name="connection">Reads the partner's connection settings.</param>
    /// <returns>The same builder.</returns>
    public static IHttpClientBuilder ConfigurePartnerConnection(this IHttpClientBuilder builder, Func<IServiceProvider, PartnerConnection> connection)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureHttpClient((sp, client) =>
        {
            // Refit puts the base address's path in front of each route, so it must not end in '/'.
            if (connection(sp).BaseUrl is { } url)
            {
                client.BaseAddress = new Uri(url.ToString().TrimEnd('/'));
            }
            // The resilience pipeline owns time limits: the client's own would cut across retries.
            client.Timeout = Timeout.InfiniteTimeSpan;
        });
        builder.ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var settings = connection(sp);
            var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
            if (settings.Authentication == "certificate")
            {
                handler.SslOptions.ClientCertificates = [LoadCertificate(settings)];
            }
            return handler;
        });
        // One gate per client for the process, shared by the handler chains the factory builds.
        builder.Services.AddKeyedSingleton(builder.Name, (_, _) => new RetryAfterGateState());
        builder.AddHttpMessageHandler(sp => new RetryAfterGate(TimeProvider.System, TimeSpan.FromSeconds(5), sp.GetRequiredKeyedService<RetryAfterGateState>(builder.Name)));
        builder.AddHttpMessageHandler(sp =>
        {
            var settings = connection(sp);
            return settings.Authentication == "client-credentials"
                ? new ClientCredentialsHandler(settings, sp.GetRequiredService<IHttpClientFactory>().CreateClient(builder.Name + ".token"), TimeProvider.System)
                : new PassThroughHandler();
        });
        builder.Services.AddHttpClient(builder.Name + ".token", client => client.Timeout = TimeSpan.FromSeconds(30));
        return builder;
    }

    private static X509Certificate2 LoadCertificate(PartnerConnection settings)
    {
        var path = settings.CertificatePath!;
        if (settings.CertificateKeyPath is { Length: > 0 } keyPath)
        {
            return string.IsNullOrEmpty(settings.CertificatePassword)
                ? X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, settings.CertificatePassword, keyPath);
        }
        return X509CertificateLoader.LoadPkcs12FromFile(path, settings.CertificatePassword);
    }

    private sealed class PassThroughHandler : DelegatingHandler;
}
