using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DataHub.Api.Infrastructure.Database;
using DataHub.Api.Seeding;
using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Submissions;

/// <summary>
/// A real hub process (the built DataHub.Api.dll on 127.0.0.1), killed with SIGKILL while it
/// applies a large submission, then started again.
/// </summary>
public sealed class HubKilledMidSubmissionTests
{
    private const int Records = 30_000;
    private const int Sheet = 930;

    private static Process StartHub(TestDatabase db, int port, bool applyWhileReceiving = true)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "DataHub.Api.dll"));
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["DATAHUB_DB"] = db.ConnectionString;
        start.Environment["DATAHUB_LOG_FORMAT"] = "simple";
        start.Environment["Submissions__PollMilliseconds"] = "200";
        start.Environment["Submissions__ApplyWhileReceiving"] = applyWhileReceiving ? "true" : "false";
        start.Environment["Auth__SigningKey"] = TestPrincipals.SigningKey;
        var process = Process.Start(start) ?? throw new InvalidOperationException("the hub did not start");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitReadyAsync(HttpClient client)
    {
        for (var i = 0; i < 120; i++)
        {
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(250);
        }
        throw new Xunit.Sdk.XunitException("the hub did not become ready within 30 s");
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // Killed while the hub that received the submission applies it, or while its worker does.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task a_hub_killed_while_applying_leaves_none_of_the_submission_and_applies_all_of_it_after_restart(bool applyWhileReceiving)
    {
        await using var db = await TestDatabase.CreateAsync("killed");
        await TestPrincipals.CreateOperatorAsync(db.ConnectionString);
        await using var dataSource = DatabaseSetup.CreateDataSource(db.ConnectionString);
        await new Seeder(dataSource).SeedAsync(new Seeder.Options(100, Seed: 1, Replace: false), null, CancellationToken.None);
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port; // free now; the hub takes it a moment later
        }
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestPrincipals.OperatorToken);

        var hub = StartHub(db, port, applyWhileReceiving);
        Uri status;
        try
        {
            await WaitReadyAsync(client);
            var body = Parcels.Collection(Enumerable.Range(0, Records).Select(n => Parcels.GridFeature(n, Sheet)).ToArray());
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/datasets/parcels/submissions") { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/geo+json");
            request.Headers.Add("Idempotency-Key", "killed-1");
            request.Headers.Add("Prefer", "respond-async");
            var accepted = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            status = accepted.Headers.Location!;

            // Kill it once it is visibly part-way through reading the records.
            for (var i = 0; ; i++)
            {
                var now = JsonDocument.Parse(await client.GetStringAsync(status)).RootElement;
                if (now.TryGetProperty("recordsRead", out var read) && read.GetInt32() > 0)
                {
                    break;
                }
                Assert.True(now.GetProperty("status").GetString() is "received" or "processing", $"finished before it could be killed: {now}");
                Assert.True(i < 600, "the submission never started");
                await Task.Delay(50);
            }
            hub.Kill(entireProcessTree: true);
            await hub.WaitForExitAsync();
        }
        finally
        {
            if (!hub.HasExited)
            {
                hub.Kill(entireProcessTree: true);
            }
            hub.Dispose();
        }

        Assert.Equal(0L, await CountAsync(dataSource, $"select count(*) from land.parcels where map_sheet = {Sheet}"));
        Assert.Equal(1L, await CountAsync(dataSource, "select count(*) from submissions.submissions where status = 'received'"));

        var restarted = StartHub(db, port);
        try
        {
            await WaitReadyAsync(client);
            var done = await AsyncSubmissionTests.WaitForEndAsync(client, status, seconds: 120);
            Assert.Equal("applied", done.GetProperty("status").GetString());
            Assert.Equal(Records, done.GetProperty("inserted").GetInt32());
        }
        finally
        {
            restarted.Kill(entireProcessTree: true);
            await restarted.WaitForExitAsync();
            restarted.Dispose();
        }
        Assert.Equal(Records, await CountAsync(dataSource, $"select count(*) from land.parcels where map_sheet = {Sheet}"));
    }
}
