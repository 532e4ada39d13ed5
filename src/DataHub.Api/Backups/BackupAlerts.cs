using System.Diagnostics.Metrics;

namespace DataHub.Api.Backups;

/// <summary>
/// A failed backup or drill is raised three ways: the datahub.backups.failures counter (meter
/// DataHub.Backups), an error log line, and a row in backups.alerts that the partner pushes will
/// publish to the IOC as an event.
/// </summary>
public sealed partial class BackupAlerts(BackupStore store, ILogger<BackupAlerts> logger) : IDisposable
{
    public const string MeterName = "DataHub.Backups";

    private readonly Meter meter = new(MeterName);
    private Counter<long>? failures;
    private Counter<long>? successes;
    private Histogram<double>? durations;

    private Counter<long> Failures => failures ??= meter.CreateCounter<long>("datahub.backups.failures", description: "Backups and restore drills that failed");
    private Counter<long> Successes => successes ??= meter.CreateCounter<long>("datahub.backups.successes", description: "Backups and restore drills that succeeded");
    private Histogram<double> Durations => durations ??= meter.CreateHistogram<double>("datahub.backups.duration", "s", "How long backups and drills took");

    public void Succeeded(string operation, TimeSpan took)
    {
        Successes.Add(1, new KeyValuePair<string, object?>("operation", operation));
        Durations.Record(took.TotalSeconds, new KeyValuePair<string, object?>("operation", operation));
    }

    public async Task FailedAsync(string operation, string? subject, string message, CancellationToken ct)
    {
        Failures.Add(1, new KeyValuePair<string, object?>("operation", operation));
        LogFailed(logger, operation, subject ?? "-", message);
        try
        {
            await store.AlertAsync(operation == "drill" ? "datahub.backup.drill-failed" : "datahub.backup.failed", subject, message, ct);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
        {
            // The database being down may be why the backup failed; the log line and metric stand.
            LogAlertNotStored(logger, e);
        }
    }

    public void Dispose() => meter.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "ALERT: {Operation} {Subject} failed: {Message}")]
    private static partial void LogFailed(ILogger logger, string operation, string subject, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "The backup alert could not be stored in backups.alerts")]
    private static partial void LogAlertNotStored(ILogger logger, Exception exception);
}
