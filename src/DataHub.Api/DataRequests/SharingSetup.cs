using DataHub.Api.Grants;
using DataHub.Api.Infrastructure.Settings;

namespace DataHub.Api.DataRequests;

public static class SharingSetup
{
    /// <summary>Special-request sharing: data requests, their negotiation, and grants.</summary>
    public static WebApplicationBuilder AddSpecialSharing(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckedSettings<SharingOptions>("Sharing");
        builder.Services.AddSingleton<ScopeRules>();
        builder.Services.AddSingleton<Negotiation>();
        builder.Services.AddSingleton<GrantStore>();
        return builder;
    }
}
