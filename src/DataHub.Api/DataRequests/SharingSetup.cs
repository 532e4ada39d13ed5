using DataHub.Api.Grants;

namespace DataHub.Api.DataRequests;

public static class SharingSetup
{
    /// <summary>Special-request sharing: data requests, their negotiation, and grants.</summary>
    public static WebApplicationBuilder AddSpecialSharing(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<SharingOptions>(builder.Configuration.GetSection("Sharing"));
        builder.Services.AddSingleton<ScopeRules>();
        builder.Services.AddSingleton<Negotiation>();
        builder.Services.AddSingleton<GrantStore>();
        return builder;
    }
}
