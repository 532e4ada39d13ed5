using Microsoft.Extensions.Options;
using Npgsql;

namespace DataHub.Api.Deliveries;

/// <summary>
/// Removes delivered messages (and their attempts) older than Deliveries:RetentionDays, a few
/// thousand per statement so no long lock or huge transaction. Pending and dead-lettered messages
/// are never removed.
/// </summary>
public sealed class OutboxCleanup(NpgsqlDataSource dataSource, IOptionsMonitor<DeliveryOptions> options)
{
    public async Task<long> RunAsync(CancellationToken ct)
    {
        long removed = 0;
        while (true)
        {
            await using var command = dataSource.CreateCommand("""
                delete from outbox.messages where id in (
                  select id from outbox.messages where status = 'delivered' and finished_at < now() - $1 limit 5000)
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = TimeSpan.FromDays(options.CurrentValue.RetentionDays) });
            var n = await command.ExecuteNonQueryAsync(ct);
            removed += n;
            if (n < 5000)
            {
                return removed;
            }
        }
    }
}
