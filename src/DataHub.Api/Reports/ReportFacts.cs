using Microsoft.Extensions.Options;
using Npgsql;

namespace DataHub.Api.Reports;

/// <summary>
/// The materialised facts the reports read (reports.land_facts, 0040; reports.user_facts, 0107).
/// Reports are exact whether the facts are fresh, stale or missing (what changed since is
/// computed live); fresh facts only make them fast, so the worker refreshes them once the land
/// data has changed.
/// </summary>
public sealed class ReportFacts(NpgsqlDataSource dataSource)
{
    /// <summary>Never built, or the land data changed since they were.</summary>
    public async Task<bool> StaleAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select not exists (select 1 from reports.facts_state) or exists (select 1 from reports.changed_since_facts())
            """);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Brings the facts up to date: the parcels changed since they were built, or all of them
    /// when there are no facts yet, more than a fifth changed, or <paramref name="full"/> asks
    /// (17-28 s for a million parcels on 2 cores; docs/performance.md). Returns the parcels
    /// refreshed, -1 for a full rebuild, or null when another process is at it.
    /// </summary>
    public async Task<long?> RefreshAsync(CancellationToken ct, bool full = false)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using (var command = new NpgsqlCommand("select pg_try_advisory_xact_lock(hashtext('reports.rebuild_facts'))", connection, transaction))
        {
            if (!(bool)(await command.ExecuteScalarAsync(ct))!)
            {
                return null;
            }
        }
        long refreshed;
        await using (var command = new NpgsqlCommand(
            $"set local work_mem = '256MB'; {(full ? "select -1::bigint from reports.rebuild_facts()" : "select reports.refresh_facts()")}", connection, transaction))
        {
            command.CommandTimeout = 600;
            refreshed = (long)(await command.ExecuteScalarAsync(ct))!;
        }
        await transaction.CommitAsync(ct);
        return refreshed;
    }
}

/// <summary>Rebuilds stale facts every Reports:FactsRefreshSeconds (default 60; 0 turns it off).</summary>
public sealed partial class ReportFactsWorker(ReportFacts facts, IOptions<ReportSettings> settings, ILogger<ReportFactsWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = settings.Value.FactsRefreshSeconds;
        if (seconds <= 0)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await facts.StaleAsync(stoppingToken) && await facts.RefreshAsync(stoppingToken) is { } refreshed)
                {
                    LogRefreshed(logger, refreshed < 0 ? "rebuilt whole" : $"refreshed for {refreshed} changed parcels");
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                // The database may be away for a while; reports stay exact, only slower.
                LogFailed(logger, e);
            }
            await Task.Delay(TimeSpan.FromSeconds(seconds), stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The report facts were {What}")]
    private static partial void LogRefreshed(ILogger logger, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rebuilding the report facts failed; reports compute what changed live until it succeeds")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
