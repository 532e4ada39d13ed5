using DataHub.Api.Infrastructure.Scheduling;
using DataHub.Api.Infrastructure.Settings;
using Microsoft.Extensions.Options;

namespace DataHub.Api.Backups;

public static class BackupsSetup
{
    /// <summary>Daily backups to another server (Article 7.3), verified, and a daily restore drill.</summary>
    public static WebApplicationBuilder AddBackups(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckedSettings<BackupSettings>("Backups");
        builder.Services.AddSingleton<BackupStore>();
        builder.Services.AddSingleton<BackupAlerts>();
        builder.Services.AddSingleton<BackupService>();
        builder.Services.AddSingleton<RestoreService>();
        builder.Services.AddHubJob<BackupJob>(BackupJob.Name, "Backs the database up to the backup target and verifies the stored copy",
            sp => HubSchedules.DailySetting(sp.GetRequiredService<IOptions<BackupSettings>>().Value.DailyAt));
        builder.Services.AddHubJob<RestoreDrillJob>(RestoreDrillJob.Name, "Restores the latest backup into a scratch database and compares it with its manifest",
            sp => HubSchedules.DailySetting(sp.GetRequiredService<IOptions<BackupSettings>>().Value.DrillAt));
        return builder;
    }
}
