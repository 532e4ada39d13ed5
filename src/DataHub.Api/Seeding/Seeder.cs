using DataHub.Api.Infrastructure.Database;
using System.Diagnostics;
using DataHub.Api.Land;
using Npgsql;

namespace DataHub.Api.Seeding;

/// <summary>
/// Loads the sample land database in one transaction (all or nothing), through the same binary
/// COPY path that submissions use. Reports progress per table through <see cref="IProgress{T}"/>.
/// </summary>
public sealed class Seeder(NpgsqlDataSource dataSource)
{
    public sealed record Options(long Parcels, long Seed, bool Replace);

    public sealed record SeedStep(string Name, long Total);

    public sealed record Result(long Parcels, TimeSpan Elapsed, IReadOnlyDictionary<string, ulong> Rows);

    /// <summary>Progress: (step, rows done so far in that step).</summary>
    public async Task<Result> SeedAsync(Options options, Action<SeedStep, long>? progress, CancellationToken ct)
    {
        if (options.Parcels < 1 || options.Parcels > SampleGeography.Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"--parcels must be between 1 and {SampleGeography.Capacity:N0}");
        }
        var clock = Stopwatch.StartNew();
        var land = new SampleLand(options.Seed, options.Parcels);
        var rows = new Dictionary<string, ulong>();

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, "select set_config('datahub.writer', $1, true)", ct, $"seed:{options.Seed}:{options.Parcels}");
        if (options.Replace)
        {
            await RemoveSampleDataAsync(connection, ct);
        }

        await SampleUnitsAndZones.WriteCommunesAsync(connection, land.Geography, ct);

        async Task Copy(string name, long estimate, Func<Action, Task<ulong>> copy)
        {
            var step = new SeedStep(name, estimate);
            long done = 0;
            progress?.Invoke(step, 0);
            rows[name] = await copy(() =>
            {
                // Reporting every row would cost more than the row; every 1,000 is smooth enough.
                if (++done % 1000 == 0)
                {
                    progress?.Invoke(step, done);
                }
            });
            progress?.Invoke(step with { Total = (long)rows[name] }, (long)rows[name]);
        }

        var n = options.Parcels;
        await Copy("parcels", n, tick => LandCopy.ParcelsAsync(connection, "land.parcels", land.Parcels(), tick, ct));
        await Copy("land uses", n * 11 / 10, tick => LandCopy.LandUsesAsync(connection, "land.land_uses", land.LandUses(), tick, ct));
        await Copy("land users", n * 5 / 4, tick => LandCopy.LandUsersAsync(connection, "personal.land_users", land.LandUsers(), tick, ct));
        await Copy("parcel users", n * 5 / 4, tick => LandCopy.ParcelUsersAsync(connection, "land.parcel_users", land.ParcelUsers(), tick, ct));
        await Copy("certificates", n * 8 / 10, tick => LandCopy.CertificatesAsync(connection, "land.certificates", land.Certificates(), tick, ct));
        await Copy("mortgages", n / 10, tick => LandCopy.MortgagesAsync(connection, "land.mortgages", land.Mortgages(), tick, ct));

        var extras = new SeedStep("plans, prices, statistics", 3);
        progress?.Invoke(extras, 0);
        await SampleUnitsAndZones.WritePlanningZonesAsync(connection, land.Geography, options.Seed, ct);
        await SampleUnitsAndZones.WritePriceZonesAsync(connection, land.Geography, options.Seed, ct);
        await SampleUnitsAndZones.WriteStatisticsAsync(connection, ct);
        await LandCopy.ResetIdentitiesAsync(connection, ct);
        progress?.Invoke(extras, 3);

        await transaction.CommitAsync(ct);
        await ExecuteAsync(connection, "analyze", ct);
        return new Result(n, clock.Elapsed, rows);
    }

    public async Task<bool> HasParcelsAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select exists (select 1 from land.parcels)");
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    // Sample data only: TRUNCATE bypasses the history triggers, which is right for a reseed of a
    // development database and wrong for anything else, so --replace is refused on real data.
    private static async Task RemoveSampleDataAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using (var check = new NpgsqlCommand("select count(*) from land.parcels where written_by not like 'seed:%'", connection))
        {
            if ((long)(await check.ExecuteScalarAsync(ct))! > 0)
            {
                throw new InvalidOperationException("--replace only removes sample data, and this database holds parcels written by others.");
            }
        }
        await ExecuteAsync(connection, """
            truncate land.parcels, land.land_uses, personal.land_users, land.parcel_users, land.certificates, land.mortgages,
                     land.planning_zones, land.price_zones, land.statistics,
                     history.land_parcels, history.land_land_uses, personal.land_users_history, history.land_parcel_users,
                     history.land_certificates, history.land_mortgages, history.land_planning_zones, history.land_price_zones,
                     history.land_statistics
            """, ct);
        await ExecuteAsync(connection, "delete from ref.admin_unit_successions where source_document = $1", ct, SampleUnitsAndZones.SampleSource);
        await ExecuteAsync(connection, "delete from ref.admin_units where source_document = $1", ct, SampleUnitsAndZones.SampleSource);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.AddValues(values);
        await command.ExecuteNonQueryAsync(ct);
    }
}
