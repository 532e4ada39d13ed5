using System.CommandLine;
using DataHub.Api.Infrastructure.Cli;
using Npgsql;
using Spectre.Console;

namespace DataHub.Api.Seeding;

/// <summary>`seed --parcels N --seed S [--if-empty | --replace]`: the deterministic sample land database.</summary>
public static class SeedCommand
{
    public const long DefaultParcels = 20_000;

    public static Command Create(HubCommandLine.HubFactory buildHub)
    {
        var parcels = new Option<long>("--parcels") { Description = "Number of parcels.", DefaultValueFactory = _ => DefaultParcels };
        var seed = new Option<long>("--seed") { Description = "Seed: the same seed and count give the same data.", DefaultValueFactory = _ => 2025 };
        var ifEmpty = new Option<bool>("--if-empty") { Description = "Do nothing when the database already has parcels." };
        var replace = new Option<bool>("--replace") { Description = "Remove earlier sample data first (refused when other data exists)." };
        var command = new Command("seed", "Load deterministic sample land data (synthetic province around Đồng Xoài).") { parcels, seed, ifEmpty, replace };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, ct) =>
        {
            await using var app = buildHub(HubCommandLine.HostArgs(result));
            var seeder = new Seeder(app.Services.GetRequiredService<NpgsqlDataSource>());
            if (await seeder.HasParcelsAsync(ct) && !result.GetValue(replace))
            {
                if (result.GetValue(ifEmpty))
                {
                    Console.WriteLine("seed: the database already has parcels; nothing to do");
                    return 0;
                }
                Console.Error.WriteLine("seed: the database already has parcels; use --if-empty to skip or --replace to reload sample data");
                return 1;
            }

            var options = new Seeder.Options(result.GetValue(parcels), result.GetValue(seed), result.GetValue(replace));
            Seeder.Result? outcome = null;
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    var tasks = new Dictionary<string, ProgressTask>();
                    outcome = await seeder.SeedAsync(options, (step, done) =>
                    {
                        if (!tasks.TryGetValue(step.Name, out var task))
                        {
                            tasks[step.Name] = task = ctx.AddTask(step.Name, maxValue: Math.Max(step.Total, 1));
                        }
                        task.MaxValue = Math.Max(Math.Max(step.Total, done), 1);
                        task.Value = done;
                    }, ct);
                });
            var rate = outcome!.Parcels / Math.Max(outcome.Elapsed.TotalSeconds, 0.001);
            Console.WriteLine($"seed: {outcome.Parcels:N0} parcels in {outcome.Elapsed.TotalSeconds:N1} s ({rate:N0} parcels/s); " +
                string.Join(", ", outcome.Rows.Select(r => $"{r.Key} {r.Value:N0}")));
            return 0;
        });
        return command;
    }
}
