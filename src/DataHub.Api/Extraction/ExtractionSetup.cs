using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Scheduling;
using DataHub.Api.Infrastructure.Settings;

namespace DataHub.Api.Extraction;

public static class ExtractionSetup
{
    public static WebApplicationBuilder AddExtractions(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckedSettings<ExtractionSettings>("Extractions");
        builder.Services.AddSingleton<Extractions>();
        builder.Services.AddSingleton<Endings<ExtractionWorker>>();
        builder.Services.AddSingleton<Wakeup<ExtractionWorker>>();
        builder.Services.AddHostedService<ExtractionWorker>();
        return builder;
    }
}
