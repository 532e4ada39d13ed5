using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Scheduling;
using DataHub.Api.Infrastructure.Settings;

namespace DataHub.Api.Submissions;

public static class SubmissionsSetup
{
    /// <summary>Submissions in the exchange structures, validated against the published JSON Schemas.</summary>
    public static WebApplicationBuilder AddSubmissions(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckedSettings<SubmissionSettings>("Submissions");
        builder.Services.AddSingleton<StructureValidator>();
        builder.Services.AddSingleton<SubmissionService>();
        builder.Services.AddSingleton<Wakeup<SubmissionWorker>>();
        builder.Services.AddSingleton<Endings<SubmissionWorker>>();
        builder.Services.AddHostedService<SubmissionWorker>();
        return builder;
    }
}
