using DataHub.Api.Infrastructure.Settings;

namespace DataHub.Api.Reports;

public static class ReportsSetup
{
    /// <summary>Land statistics and operational reports, and the background rebuild of the facts they read.</summary>
    public static WebApplicationBuilder AddReports(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckedSettings<ReportSettings>("Reports");
        builder.Services.AddSingleton<LandReports>();
        builder.Services.AddSingleton<OperationalReports>();
        builder.Services.AddSingleton<ReportFacts>();
        builder.Services.AddHostedService<ReportFactsWorker>();
        return builder;
    }
}
