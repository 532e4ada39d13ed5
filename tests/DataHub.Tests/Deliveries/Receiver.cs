using System.Net.Http.Json;
using System.Text.Json;

namespace DataHub.Tests.Deliveries;

/// <summary>The reference partner receiver (samples/PartnerReceiver) as a real process.</summary>
public sealed class Receiver : IAsyncDisposable
{
    private readonly LocalProcess process;

    private Receiver(LocalProcess process) => this.process = process;

    public int Port => process.Port;

    public static async Task<Receiver> StartAsync(int port, params string[] settings) =>
        new(await LocalProcess.StartAsync(Path.Combine("partner-receiver", "PartnerReceiver.dll"), port, "/", new Dictionary<string, string>(), settings));

    public async Task SetFaultsAsync(object faults) =>
        (await process.Client.PutAsJsonAsync("/admin/faults", faults)).EnsureSuccessStatusCode();

    public async Task<Received> ReceivedAsync()
    {
        var root = JsonDocument.Parse(await process.Client.GetStringAsync("/received")).RootElement;
        return new Received(
            root.GetProperty("applied").EnumerateArray().Select(a => new AppliedRecord(
                a.GetProperty("target").GetString()!, a.GetProperty("key").GetString()!, a.GetProperty("sequence").GetInt64(),
                a.GetProperty("messageId").GetString()!, a.GetProperty("change").GetString()!, a.GetProperty("version").GetInt64())).ToList(),
            root.GetProperty("duplicates").GetInt32(),
            root.GetProperty("requests").EnumerateArray().Select(r => new ReceiverRequest(
                r.GetProperty("at").GetDateTimeOffset(), r.GetProperty("path").GetString()!, r.GetProperty("status").GetInt32(),
                r.GetProperty("retryAfterSeconds").ValueKind == JsonValueKind.Number ? r.GetProperty("retryAfterSeconds").GetInt32() : null,
                r.TryGetProperty("contentLength", out var length) && length.ValueKind == JsonValueKind.Number ? length.GetInt64() : null)).ToList(),
            root.GetProperty("schemas").EnumerateObject().ToDictionary(s => s.Name, s => s.Value.GetString()));
    }

    public Task<JsonElement> SummaryAsync(string dataset) =>
        process.Client.GetFromJsonAsync<JsonElement>($"/ministry/records/{dataset}/summary");

    public ValueTask DisposeAsync() => process.DisposeAsync();
}

public sealed record AppliedRecord(string Target, string Key, long Sequence, string MessageId, string Change, long Version);

public sealed record ReceiverRequest(DateTimeOffset At, string Path, int Status, int? RetryAfterSeconds, long? ContentLength);

public sealed record Received(IReadOnlyList<AppliedRecord> Applied, int Duplicates, IReadOnlyList<ReceiverRequest> Requests, IReadOnlyDictionary<string, string?> Schemas);
