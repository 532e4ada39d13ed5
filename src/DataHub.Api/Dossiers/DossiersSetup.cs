using DataHub.Api.Deliveries;
using DataHub.Api.Infrastructure.Settings;
using DataHub.Clients;

namespace DataHub.Api.Dossiers;

public static class DossiersSetup
{
    /// <summary>Land dossiers from the one-stop shop: intake, forms, workflow, deadlines, results (docs/dossiers.md).</summary>
    public static WebApplicationBuilder AddDossiers(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckedSettings<DossierSettings>("Dossiers");
        builder.Services.AddSingleton(sp => new DossierClock(sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(new DossierForms(DossierForms.DefaultFolder));
        builder.Services.AddSingleton<DossierIntake>();
        builder.Services.AddSingleton<DossierResults>();
        builder.Services.AddSingleton<DossierWorkflow>();
        // The partners' clients, each with its own resilience pipeline; unconfigured, the partners fetch instead.
        builder.Services.AddPartnerClient<ITaxAuthorityApi>(DossierPushes.TaxTarget, "Partners:TaxAuthority");
        builder.Services.AddPartnerClient<IOneStopShopApi>(DossierPushes.ShopTarget, "Partners:OneStopShop");
        builder.Services.AddHostedService<DossierPushes>();
        return builder;
    }
}
