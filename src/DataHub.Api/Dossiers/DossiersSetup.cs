namespace DataHub.Api.Dossiers;

public static class DossiersSetup
{
    /// <summary>Land dossiers from the one-stop shop: intake, forms, workflow, deadlines, results (docs/dossiers.md).</summary>
    public static WebApplicationBuilder AddDossiers(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => new DossierClock(sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(new DossierForms(DossierForms.DefaultFolder));
        builder.Services.AddSingleton<DossierIntake>();
        builder.Services.AddSingleton<DossierResults>();
        builder.Services.AddSingleton<DossierWorkflow>();
        return builder;
    }
}
