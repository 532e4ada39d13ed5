using System.Text.Json;
using DataHub.Api.Deliveries;
using DataHub.Clients;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DataHub.Api.Dossiers;

/// <summary>
/// Pushes dossiers.messages to the tax authority and the one-stop shop, through their Refit
/// clients (each with its own resilience pipeline, as the outbox's partners), when their base URL
/// is configured (Partners:TaxAuthority, Partners:OneStopShop); otherwise the partners fetch them
/// (GET /api/v1/dossier-messages). Per target, in order: a failed message holds back the ones
/// after it, and waits (doubling, at most 15 minutes) before it is tried again. The rows are
/// claimed FOR UPDATE SKIP LOCKED, so several hub processes never send the same message at once.
/// </summary>
public sealed class DossierPushes(NpgsqlDataSource dataSource, ITaxAuthorityApi tax, IOneStopShopApi shop,
    IOptionsMonitor<PartnerConnection> connections, ILogger<DossierPushes> logger) : BackgroundService
{
    public const string TaxTarget = "tax-authority";
    public const string ShopTarget = "one-stop-shop";

    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            foreach (var target in new[] { TaxTarget, ShopTarget }.Where(t => connections.Get(t).IsConfigured))
            {
                try
                {
                    sent += await PushAsync(target, stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException && !stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Dossier messages to {Target} could not be read; trying again", target);
                }
            }
            if (sent == 0)
            {
                await Task.Delay(Poll, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Sends the due messages of one target, oldest first, until one fails; returns how many were delivered.</summary>
    public async Task<int> PushAsync(string target, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var due = new List<(long Id, DossierMessageEnvelope Message, string DossierNumber, int Attempts)>();
        await using (var command = new NpgsqlCommand("""
            select m.id, m.key, m.dossier_id, m.kind, m.payload::text, m.created_at, d.sender_number, m.attempts
            from dossiers.messages m join dossiers.dossiers d on d.id = m.dossier_id
            where m.target = $1 and m.status = 'pending'
              and not exists (select 1 from dossiers.messages e where e.target = m.target and e.status = 'pending' and e.id < m.id and e.next_attempt_at > now())
              and m.next_attempt_at <= now()
            order by m.id
            limit 50
            for update of m skip locked
            """, connection, transaction))
        {
            command.Parameters.Add(new() { Value = target });
            await using var r = await command.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                due.Add((r.GetInt64(0), new DossierMessageEnvelope(r.GetGuid(1), r.GetGuid(2), r.GetString(3),
                    JsonDocument.Parse(r.GetString(4)).RootElement.Clone(), r.GetFieldValue<DateTimeOffset>(5)), r.GetString(6), r.GetInt32(7)));
            }
        }
        var delivered = 0;
        foreach (var (id, message, number, attempts) in due)
        {
            string? error = null;
            try
            {
                var key = message.Key.ToString();
                await (target == TaxTarget
                    ? tax.SendFinancialObligationInformationAsync(key, message, ct)
                    : shop.NotifyAsync(number, key, message, ct));
            }
            catch (Exception e) when (PartnerSend.IsSendFailure(e, ct))
            {
                error = e.Message;
            }
            await using var update = new NpgsqlCommand(error is null
                ? "update dossiers.messages set status = 'delivered', delivered_at = now(), attempts = attempts + 1, last_error = null where id = $1"
                : "update dossiers.messages set attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3) where id = $1",
                connection, transaction);
            update.Parameters.Add(new() { Value = id });
            if (error is not null)
            {
                update.Parameters.Add(new() { Value = error });
                update.Parameters.Add(new() { Value = Math.Min(900, 5 * Math.Pow(2, attempts)) });
            }
            await update.ExecuteNonQueryAsync(ct);
            if (error is not null)
            {
                logger.LogWarning("Dossier message {Id} to {Target} failed (attempt {Attempt}): {Error}", id, target, attempts + 1, error);
                break; // the ones after it wait: the partner sees a dossier's messages in order
            }
            delivered++;
        }
        await transaction.CommitAsync(ct);
        return delivered;
    }
}
