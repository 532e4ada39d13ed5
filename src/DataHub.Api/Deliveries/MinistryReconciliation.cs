using DataHub.Clients;
using Npgsql;
using Refit;

namespace DataHub.Api.Deliveries;

/// <summary>What one reconciliation found and did.</summary>
public sealed record ReconciliationResult(string Dataset, int Compared, IReadOnlyList<string> Differing, int Queued);

/// <summary>
/// Compares what the Ministry holds of a dataset with the hub, commune by commune (count and a
/// checksum over keys and versions, defined in docs/integrations.md), and queues every record of
/// a differing commune for sending again, with the retired ones as deletes. Parcels only: they
/// are what the Ministry reconciles by commune.
/// </summary>
public sealed partial class MinistryReconciliation(NpgsqlDataSource dataSource, IMinistryRecordsApi ministry, ILogger<MinistryReconciliation> logger)
{
    // The same version as OutboxRecords sends, and the checksum the contract defines.
    private const string HubSummarySql = """
        select x.commune_code, count(*), md5(string_agg(x.key || ':' || x.version || E'\n', '' order by x.key collate "C"))
        from (select p.id::text as key, p.commune_code,
                     (extract(epoch from greatest(p.valid_from, (select max(lu.valid_from) from land.land_uses lu where lu.parcel_id = p.id))) * 1000000)::bigint as version
              from land.parcels p) x
        group by x.commune_code
        """;

    private const string QueueSql = """
        with queued as (
          insert into outbox.messages (target, dataset_id, entity_key, change)
          select 'ministry', 'parcels', p.id::text, 'resend' from land.parcels p where p.commune_code = any($1)
          union all
          select distinct 'ministry', 'parcels', h.id::text, 'resend' from history.land_parcels h
          where h.commune_code = any($1) and not exists (select 1 from land.parcels p where p.id = h.id)
          on conflict (target, dataset_id, entity_key, txid) do nothing
          returning 1
        )
        select count(*)::int from queued
        """;

    public async Task<ReconciliationResult> RunAsync(string dataset, CancellationToken ct)
    {
        if (dataset != "parcels")
        {
            throw new InvalidOperationException($"reconciliation by commune is defined for parcels only, not '{dataset}'");
        }
        DatasetSummary theirs;
        try
        {
            theirs = await ministry.GetSummaryAsync(dataset, ct);
        }
        catch (Exception e) when (e is ApiException or HttpRequestException or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException)
        {
            await RecordAsync(new ReconciliationResult(dataset, 0, [], 0), e.Message, ct);
            throw;
        }
        var ours = new Dictionary<string, (long Count, string Checksum)>(StringComparer.Ordinal);
        await using (var command = dataSource.CreateCommand(HubSummarySql))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                ours[reader.GetString(0)] = (reader.GetInt64(1), reader.GetString(2));
            }
        }
        var their = theirs.Communes.ToDictionary(c => c.Commune, c => (c.Count, c.Checksum), StringComparer.Ordinal);
        var communes = ours.Keys.Union(their.Keys).Order(StringComparer.Ordinal).ToList();
        var differing = communes.Where(c => !ours.TryGetValue(c, out var o) || !their.TryGetValue(c, out var t)
            || o.Count != t.Count || !string.Equals(o.Checksum, t.Checksum, StringComparison.OrdinalIgnoreCase)).ToList();
        var queued = 0;
        if (differing.Count > 0)
        {
            await using var command = dataSource.CreateCommand(QueueSql);
            command.Parameters.Add(new NpgsqlParameter { Value = differing.ToArray() });
            queued = (int)(await command.ExecuteScalarAsync(ct))!;
        }
        var result = new ReconciliationResult(dataset, communes.Count, differing, queued);
        await RecordAsync(result, null, ct);
        LogReconciled(logger, dataset, communes.Count, differing.Count, queued);
        return result;
    }

    private async Task RecordAsync(ReconciliationResult r, string? error, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "insert into outbox.reconciliations (dataset_id, compared, differing, queued, error) values ($1, $2, $3, $4, $5)");
        command.Parameters.Add(new NpgsqlParameter { Value = r.Dataset });
        command.Parameters.Add(new NpgsqlParameter { Value = r.Compared });
        command.Parameters.Add(new NpgsqlParameter { Value = r.Differing.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = r.Queued });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled {Dataset} with the Ministry: {Compared} communes, {Differing} differing, {Queued} records queued again")]
    private static partial void LogReconciled(ILogger logger, string dataset, int compared, int differing, int queued);
}
