using System.Net;
using System.Text.Json;
using DataHub.Api.Infrastructure.Scheduling;
using DataHub.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace DataHub.Tests.Jobs;

/// <summary>A hub with its scheduler on and two probe jobs on a daily schedule (which never comes round in a test).</summary>
public sealed class JobsHubFixture : HubFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Scheduling:Enabled", "true"), .. Backups.BackupHubFixture.QuietExpectedFailures];

    protected override async Task PrepareDatabaseAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(Database.ConnectionString);
        await using var command = dataSource.CreateCommand(ProbeJob.Table);
        await command.ExecuteNonQueryAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services
            .AddHubJob<ProbeJob>("probe", "Writes a row", _ => HubSchedules.DailyAt(new TimeOnly(3, 15)))
            .AddHubJob<FailingProbeJob>("failing-probe", "Always fails", _ => HubSchedules.DailyAt(new TimeOnly(3, 20))));
    }
}

public sealed class JobsTests(JobsHubFixture hub) : IClassFixture<JobsHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();

    private static JsonElement Job(JsonElement list, string name) =>
        list.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("name").GetString() == name);

    public static async Task<JsonElement> WaitForLastRunAsync(HttpClient client, Uri job, DateTimeOffset startedAfter, int seconds = 60)
    {
        for (var i = 0; i < seconds * 4; i++)
        {
            var answer = JsonDocument.Parse(await client.GetStringAsync(job)).RootElement;
            if (answer.TryGetProperty("lastRun", out var run) && run.ValueKind == JsonValueKind.Object
                && run.GetProperty("status").GetString() is "succeeded" or "failed"
                && run.GetProperty("startedAt").GetDateTimeOffset() >= startedAfter)
            {
                return run;
            }
            await Task.Delay(250);
        }
        throw new Xunit.Sdk.XunitException($"{job} did not finish a run within {seconds} s");
    }

    [Fact]
    public async Task jobs_are_listed_with_their_schedule_and_next_fire_time()
    {
        // The node starts its scheduler in the background once the hub is up.
        var list = JsonDocument.Parse(await client.GetStringAsync("/api/v1/jobs")).RootElement;
        for (var i = 0; i < 120 && !list.GetProperty("schedulerRunning").GetBoolean(); i++)
        {
            await Task.Delay(250);
            list = JsonDocument.Parse(await client.GetStringAsync("/api/v1/jobs")).RootElement;
        }
        Assert.True(list.GetProperty("schedulerRunning").GetBoolean());
        var probe = Job(list, "probe");
        Assert.Equal("Writes a row", probe.GetProperty("description").GetString());
        Assert.Contains("Asia/Ho_Chi_Minh", probe.GetProperty("schedule").GetString());
        var next = probe.GetProperty("nextFireTime").GetDateTimeOffset();
        Assert.True(next > DateTimeOffset.UtcNow && next <= DateTimeOffset.UtcNow.AddDays(1), next.ToString("O"));
        // 03:15 in Asia/Ho_Chi_Minh (UTC+7) is 20:15 UTC.
        Assert.Equal(new TimeSpan(20, 15, 0), next.ToUniversalTime().TimeOfDay);
    }

    [Fact]
    public async Task triggering_a_job_runs_it_now_and_its_last_run_shows_the_result()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var response = await client.PostAsync("/api/v1/jobs/probe/trigger", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        var run = await WaitForLastRunAsync(client, response.Headers.Location!, before);
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("probe ran", run.GetProperty("result").GetString());
        Assert.True(run.GetProperty("manual").GetBoolean());
        await using var dataSource = NpgsqlDataSource.Create(hub.Database.ConnectionString);
        await using var count = dataSource.CreateCommand("select count(*) from public.probe_runs where job = 'probe' and manual");
        Assert.True((long)(await count.ExecuteScalarAsync())! >= 1);
    }

    [Fact]
    public async Task a_failing_job_shows_its_error_as_the_last_run()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var response = await client.PostAsync("/api/v1/jobs/failing-probe/trigger", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = await WaitForLastRunAsync(client, response.Headers.Location!, before);
        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Contains("the probe target is unreachable", run.GetProperty("error").GetString());
    }

    [Fact]
    public async Task an_unknown_job_is_404_on_read_and_on_trigger()
    {
        var read = await Problems.AssertProblemAsync(await client.GetAsync("/api/v1/jobs/nope"), HttpStatusCode.NotFound);
        Assert.Contains("'nope'", read.GetProperty("detail").GetString());
        await Problems.AssertProblemAsync(await client.PostAsync("/api/v1/jobs/nope/trigger", null), HttpStatusCode.NotFound);
    }
}
