using System.Net;
using DataHub.Api.Infrastructure.Settings;
using DataHub.Clients;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;

namespace DataHub.Api.Deliveries;

/// <summary>
/// One typed client per partner, each with its own resilience pipeline (no handler defaults for
/// all clients: they would stack). Outermost first: total timeout, retry (exponential, jittered,
/// Retry-After honoured), circuit breaker, timeout of one attempt; the partner's credentials
/// inside, so every retry carries a valid token.
/// </summary>
public static class PartnerClients
{
    /// <summary>A Retry-After longer than this is not waited out inside one send: the message waits instead (its next claim).</summary>
    private static readonly TimeSpan LongestInlineWait = TimeSpan.FromSeconds(5);

    public static void AddPartnerClient<TApi>(this IServiceCollection services, string target, string section)
        where TApi : class
    {
        // Checked at start: a partner set up wrongly is found then, not at its first message.
        services.AddCheckedSettings<PartnerConnection>(section, target, "Resilience")
            .Check(c => c.Problem(section));
        services.AddCheckedSettings<PartnerResilience>($"{section}:Resilience", target);
        var first = !services.Any(s => s.ServiceType == typeof(PartnerSection));
        services.AddSingleton(new PartnerSection(section));
        if (first)
        {
            // Once: a partner section the hub has no client for (Partners:Ministy) is a misspelling.
            services.AddSettingCheck("partners", (configuration, provider) =>
            {
                var known = provider.GetServices<PartnerSection>().Select(p => p.Name["Partners:".Length..]).Order(StringComparer.Ordinal).ToList();
                return configuration.GetSection("Partners").GetChildren().Where(c => !known.Contains(c.Key, StringComparer.OrdinalIgnoreCase))
                    .Select(c => $"{c.Path} is not a partner the hub knows; Partners takes {string.Join(", ", known)}.");
            });
        }
        // Bodies buffered, so that they go with a Content-Length: some partners' gateways refuse
        // chunked requests. A batch is a few hundred records at most.
        var client = services.AddRefitGeneratedClient<TApi>(new RefitSettings { Buffered = true }, target);
        client
            // The senders are singletons holding their client; the primary handler recycles connections itself.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddResilienceHandler(target, (pipeline, context) =>
            {
                var r = context.ServiceProvider.GetRequiredService<IOptionsMonitor<PartnerResilience>>().Get(target);
                pipeline.AddTimeout(TimeSpan.FromSeconds(r.TotalTimeoutSeconds));
                if (r.Retries > 0)
                {
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = r.Retries,
                        Delay = TimeSpan.FromSeconds(r.RetryDelaySeconds),
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        ShouldRetryAfterHeader = false, // the generator below honours it, within a bound
                        ShouldHandle = args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome)
                            && !(RetryAfter(args.Outcome.Result) > LongestInlineWait)),
                        DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                    });
                }
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = r.BreakerFailureRatio,
                    MinimumThroughput = Math.Max(r.BreakerMinimumThroughput, 2),
                    SamplingDuration = TimeSpan.FromSeconds(Math.Max(r.BreakerSamplingSeconds, 0.5)),
                    BreakDuration = TimeSpan.FromSeconds(Math.Max(r.BreakSeconds, 0.5)),
                });
                pipeline.AddTimeout(TimeSpan.FromSeconds(r.AttemptTimeoutSeconds));
            });
        client.ConfigurePartnerConnection(sp => sp.GetRequiredService<IOptionsMonitor<PartnerConnection>>().Get(target));
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        if (response is not { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable } || response.Headers.RetryAfter is not { } header)
        {
            return null;
        }
        return header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null);
    }
}

/// <summary>A partner's settings section (Partners:Ministry), for the check of the partner names.</summary>
public sealed record PartnerSection(string Name);
