using System.Globalization;
using System.Text.Json;
using PartnerReceiver;

// A reference partner for the DataHub's pushes: the Ministry's records API under /ministry and
// the IOC's events API under /ioc, as docs/integrations.md defines them, with switchable faults.
// What it applied is at GET /received; faults at GET/PUT /admin/faults.
var builder = WebApplication.CreateSlimBuilder(args);
var faults = builder.Configuration.GetSection("Faults").Get<Faults>() ?? new Faults();
var ledger = new Ledger(builder.Configuration["RecordFile"]);
var tokens = new HashSet<string>();
var app = builder.Build();

// Faults play on the two contracts only, before anything is read.
app.Use(async (context, next) =>
{
    var path = context.Request.Path.Value ?? "";
    if (!path.StartsWith("/ministry/", StringComparison.Ordinal) && !path.StartsWith("/ioc/", StringComparison.Ordinal))
    {
        await next(context);
        return;
    }
    var f = faults;
    if (f.LatencyMs > 0)
    {
        await Task.Delay(f.LatencyMs, context.RequestAborted);
    }
#pragma warning disable CA5394 // fault injection, not security
    if (f.DropRate > 0 && Random.Shared.NextDouble() < f.DropRate)
    {
        ledger.Log(new RequestLog(DateTimeOffset.UtcNow, path, 0, null));
        context.Abort();
        return;
    }
    if (f.FailureRate > 0 && Random.Shared.NextDouble() < f.FailureRate)
    {
        ledger.Log(new RequestLog(DateTimeOffset.UtcNow, path, 503, null));
        context.Response.StatusCode = 503;
        return;
    }
    var throttle = false;
    lock (tokens)
    {
        if (faults.ThrottleNext > 0)
        {
            faults = faults with { ThrottleNext = faults.ThrottleNext - 1 };
            throttle = true;
        }
    }
    if (throttle || (f.ThrottleRate > 0 && Random.Shared.NextDouble() < f.ThrottleRate))
#pragma warning restore CA5394
    {
        ledger.Log(new RequestLog(DateTimeOffset.UtcNow, path, 429, f.RetryAfterSeconds));
        context.Response.StatusCode = 429;
        context.Response.Headers.RetryAfter = f.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return;
    }
    if (f.RequireToken)
    {
        var auth = context.Request.Headers.Authorization.ToString();
        bool known;
        lock (tokens)
        {
            known = auth.StartsWith("Bearer ", StringComparison.Ordinal) && tokens.Contains(auth["Bearer ".Length..]);
        }
        if (!known)
        {
            ledger.Log(new RequestLog(DateTimeOffset.UtcNow, path, 401, null));
            context.Response.StatusCode = 401;
            return;
        }
    }
    await next(context);
    ledger.Log(new RequestLog(DateTimeOffset.UtcNow, path, context.Response.StatusCode, null, context.Request.ContentLength));
});

app.MapPost("/ministry/records/{dataset}", async (string dataset, HttpRequest request, CancellationToken ct) =>
{
    if (request.Headers["Idempotency-Key"].ToString() is not { Length: > 0 } batchKey)
    {
        return Results.Problem(statusCode: 400, title: "Idempotency-Key required");
    }
    if (ledger.Receipt("ministry", batchKey) is { } earlier)
    {
        return Results.Text(earlier, "application/json");
    }
    using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
    ledger.NoteSchema(dataset, body.RootElement.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.String ? schema.GetString() : null);
    var items = body.RootElement.GetProperty("records").EnumerateArray().Select(r => new Applied(
        "ministry", dataset, r.GetProperty("key").GetString()!, r.GetProperty("sequence").GetInt64(), r.GetProperty("messageId").GetString()!,
        r.GetProperty("change").GetString()!, r.TryGetProperty("commune", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null,
        r.GetProperty("version").GetInt64(), batchKey, DateTimeOffset.UtcNow)).ToList();
    return await AnswerAsync("ministry", batchKey, items, ct);
});

app.MapGet("/ministry/records/{dataset}/summary", (string dataset) => Results.Json(ledger.Summary(dataset)));

app.MapPost("/ioc/events", async (HttpRequest request, CancellationToken ct) =>
{
    if (request.ContentType?.Split(';')[0].Trim() != "application/cloudevents-batch+json")
    {
        return Results.Problem(statusCode: 415, title: "Send a CloudEvents JSON batch (application/cloudevents-batch+json)");
    }
    if (request.Headers["Idempotency-Key"].ToString() is not { Length: > 0 } batchKey)
    {
        return Results.Problem(statusCode: 400, title: "Idempotency-Key required");
    }
    if (ledger.Receipt("ioc", batchKey) is { } earlier)
    {
        return Results.Text(earlier, "application/json");
    }
    using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
    var items = body.RootElement.EnumerateArray().Select(e =>
    {
        var data = e.GetProperty("data");
        return new Applied("ioc", data.GetProperty("dataset").GetString()!, data.GetProperty("key").GetString()!,
            long.Parse(e.GetProperty("sequence").GetString()!, CultureInfo.InvariantCulture),
            e.GetProperty("source").GetString() + " " + e.GetProperty("id").GetString(), data.GetProperty("change").GetString()!,
            data.TryGetProperty("commune", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null,
            data.GetProperty("version").GetInt64(), batchKey, DateTimeOffset.UtcNow);
    }).ToList();
    return await AnswerAsync("ioc", batchKey, items, ct);
});

// The land dossiers' partners (docs/integrations.md): the tax authority receives the
// financial-obligation information, the one-stop shop the dossiers' steps and results. Each
// message is kept once, by its key, whatever the retries.
app.MapPost("/tax/dossiers/financial-obligations", (HttpRequest request, CancellationToken ct) => DossierMessageAsync("tax", request, ct));
app.MapPost("/shop/dossiers/{number}/events", (string number, HttpRequest request, CancellationToken ct) => DossierMessageAsync("shop", request, ct));

// OAuth2 client credentials: any client id and secret get a token (this is a sample).
app.MapPost("/token", async (HttpRequest request) =>
{
    var form = await request.ReadFormAsync();
    if (form["grant_type"] != "client_credentials" || string.IsNullOrEmpty(form["client_id"]))
    {
        return Results.Json(new { error = "invalid_request" }, statusCode: 400);
    }
    var token = Guid.NewGuid().ToString("N");
    lock (tokens)
    {
        tokens.Add(token);
    }
    return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = 3600 });
});

app.MapGet("/received", () => Results.Json(ledger.Snapshot()));
app.MapGet("/admin/faults", () => Results.Json(faults));
app.MapPut("/admin/faults", (Faults next) =>
{
    faults = next;
    return Results.Json(faults);
});
app.MapPost("/admin/reset", () =>
{
    ledger.Reset();
    faults = new Faults();
    return Results.NoContent();
});
app.MapGet("/", () => Results.Text("DataHub reference partner: POST /ministry/records/{dataset}, GET /ministry/records/{dataset}/summary, POST /ioc/events, POST /tax/dossiers/financial-obligations, POST /shop/dossiers/{number}/events, GET /received, GET|PUT /admin/faults\n"));

app.Run();

async Task<IResult> DossierMessageAsync(string target, HttpRequest request, CancellationToken ct)
{
    if (request.Headers["Idempotency-Key"].ToString() is not { Length: > 0 } key)
    {
        return Results.Problem(statusCode: 400, title: "Idempotency-Key required");
    }
    if (ledger.Receipt(target, key) is { } earlier)
    {
        return Results.Text(earlier, "application/json");
    }
    using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
    var message = body.RootElement;
    var item = new Applied(target, "dossiers", message.GetProperty("dossierId").GetString()!,
        message.GetProperty("createdAt").GetDateTimeOffset().ToUnixTimeMilliseconds(), message.GetProperty("key").GetString()!,
        message.GetProperty("kind").GetString()!, null, 0, key, DateTimeOffset.UtcNow);
    return await AnswerAsync(target, key, [item], ct);
}

async Task<IResult> AnswerAsync(string target, string batchKey, List<Applied> items, CancellationToken ct)
{
    var reject = faults.RejectKeys;
    var (accepted, duplicates, rejected) = ledger.Apply(target, batchKey, items,
        a => reject.Contains(a.Key) ? $"record {a.Key} refused by the receiver's RejectKeys switch" : null);
    var receipt = JsonSerializer.Serialize(new
    {
        accepted,
        duplicates,
        rejected = rejected.Select(r => new { messageId = target == "ioc" ? r.Id[(r.Id.IndexOf(' ', StringComparison.Ordinal) + 1)..] : r.Id, reason = r.Reason }),
    });
    if (rejected.Count == 0)
    {
        ledger.Remember(target, batchKey, receipt); // a batch with refusals may be sent again once they are fixed
    }
    if (faults.SlowAckMs > 0)
    {
        await Task.Delay(faults.SlowAckMs, ct);
    }
    return Results.Text(receipt, "application/json");
}
