using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PartnerReceiver;

/// <summary>One record or event applied (first receipt of its message id).</summary>
public sealed record Applied(string Target, string Dataset, string Key, long Sequence, string MessageId, string Change, string? Commune, long Version, string BatchKey, DateTimeOffset At);

/// <summary>One HTTP request to a contract endpoint and how it was answered.</summary>
public sealed record RequestLog(DateTimeOffset At, string Path, int Status, int? RetryAfterSeconds, long? ContentLength = null);

/// <summary>
/// What the receiver holds: every applied message in order, the current holding per record (for
/// the Ministry's summary), the receipts of batches by idempotency key, and the request log.
/// De-duplication is by message id (CloudEvents: source and id); a repeated batch key gets its
/// first receipt again.
/// </summary>
public sealed class Ledger(string? recordFile)
{
    private readonly Lock gate = new();
    private readonly List<Applied> applied = [];
    private readonly HashSet<string> seen = [];
    private readonly Dictionary<string, string> receipts = [];
    private readonly Dictionary<(string Dataset, string Key), (string? Commune, long Version, bool Deleted)> holdings = [];
    private readonly List<RequestLog> requests = [];
    private readonly Dictionary<string, string?> schemas = [];
    private int duplicates;
    private int repeatedBatches;

    public void Log(RequestLog entry)
    {
        lock (gate)
        {
            requests.Add(entry);
        }
    }

    public string? Receipt(string target, string batchKey)
    {
        lock (gate)
        {
            if (receipts.TryGetValue($"{target}:{batchKey}", out var receipt))
            {
                repeatedBatches++;
                return receipt;
            }
            return null;
        }
    }

    /// <summary>Applies a batch; returns (accepted, duplicates, rejected message ids with reasons).</summary>
    public (int Accepted, int Duplicates, List<(string Id, string Reason)> Rejected) Apply(
        string target, string batchKey, IEnumerable<Applied> items, Func<Applied, string?> reject)
    {
        var accepted = 0;
        var dups = 0;
        var rejected = new List<(string, string)>();
        lock (gate)
        {
            foreach (var item in items)
            {
                if (seen.Contains($"{target}:{item.MessageId}"))
                {
                    dups++;
                    continue;
                }
                if (reject(item) is { } reason)
                {
                    rejected.Add((item.MessageId, reason));
                    continue;
                }
                seen.Add($"{target}:{item.MessageId}");
                applied.Add(item);
                if (target == "ministry")
                {
                    holdings[(item.Dataset, item.Key)] = (item.Commune, item.Version, item.Change == "delete");
                }
                accepted++;
                if (recordFile is not null)
                {
                    File.AppendAllText(recordFile, JsonSerializer.Serialize(item) + "\n");
                }
            }
            duplicates += dups;
        }
        return (accepted, dups, rejected);
    }

    public void Remember(string target, string batchKey, string receipt)
    {
        lock (gate)
        {
            receipts[$"{target}:{batchKey}"] = receipt;
        }
    }

    /// <summary>Count and checksum per commune of the live records, as the contract defines them.</summary>
    public object Summary(string dataset)
    {
        lock (gate)
        {
            var communes = holdings.Where(h => h.Key.Dataset == dataset && !h.Value.Deleted && h.Value.Commune is not null)
                .GroupBy(h => h.Value.Commune!)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g =>
                {
                    var text = new StringBuilder();
                    foreach (var h in g.OrderBy(h => h.Key.Key, StringComparer.Ordinal))
                    {
                        text.Append(h.Key.Key).Append(':').Append(h.Value.Version).Append('\n');
                    }
#pragma warning disable CA5351 // MD5 is the contract's checksum, not a security measure
                    var checksum = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text.ToString())));
#pragma warning restore CA5351
                    return new { commune = g.Key, count = (long)g.Count(), checksum };
                })
                .ToList();
            return new { dataset, communes };
        }
    }

    /// <summary>The schema a dataset's last batch named (what a partner would validate its records with).</summary>
    public void NoteSchema(string dataset, string? schema)
    {
        lock (gate)
        {
            schemas[dataset] = schema;
        }
    }

    public object Snapshot()
    {
        lock (gate)
        {
            return new
            {
                applied = applied.ToList(),
                duplicates,
                repeatedBatches,
                requests = requests.ToList(),
                schemas = new Dictionary<string, string?>(schemas),
            };
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            applied.Clear();
            seen.Clear();
            receipts.Clear();
            holdings.Clear();
            requests.Clear();
            schemas.Clear();
            duplicates = 0;
            repeatedBatches = 0;
        }
    }
}
