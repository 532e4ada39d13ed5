using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.Seeding;

/// <summary>
/// Sample communes (old and merged, with the old-to-new mapping), land-use plan zones and land
/// price road segments. Small tables: written with ordinary parameterised inserts.
/// </summary>
public static class SampleUnitsAndZones
{
    public const string SampleSource = "sample data (synthetic)";

    public static async Task WriteCommunesAsync(NpgsqlConnection connection, SampleGeography geography, CancellationToken ct)
    {
        var batch = new NpgsqlBatch(connection);
        foreach (var c in SampleGeography.Communes)
        {
            batch.BatchCommands.Add(Unit(c.Code, c.Name, c.DistrictCode, new DateOnly(1997, 1, 1), SampleLand.UnitsMerged, geography.CommuneBoundary(c)));
            batch.BatchCommands.Add(Command(
                "insert into ref.admin_unit_successions (old_code, new_code, effective_on, source_document) values ($1, $2, $3, $4)",
                c.Code, SampleGeography.NewCommunes[c.NewIndex].Code, SampleLand.UnitsMerged, SampleSource));
        }
        foreach (var n in SampleGeography.NewCommunes)
        {
            batch.BatchCommands.Add(Unit(n.Code, n.Name, "75", SampleLand.UnitsMerged, null, geography.NewCommuneBoundary(n)));
        }
        await using (batch)
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
    }

    private static NpgsqlBatchCommand Unit(string code, string name, string parent, DateOnly from, DateOnly? to, MultiPolygon boundary)
    {
        var command = new NpgsqlBatchCommand("""
            insert into ref.admin_units (code, name, level, parent_code, valid_from, valid_to, boundary, source_document)
            values ($1, $2, 'commune', $3, $4, $5, $6, $7)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = code });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = parent });
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)to ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = boundary });
        command.Parameters.Add(new NpgsqlParameter { Value = SampleSource });
        return command;
    }

    private static readonly (string, double)[] PlannedPurposes =
        [("CLN", 30), ("ONT", 15), ("ODT", 10), ("HNK", 10), ("RSX", 8), ("SKN", 6), ("TMD", 6), ("DGT", 6), ("DGD", 3), ("DKV", 3), ("DYT", 2), ("NTD", 1)];

    /// <summary>The 2021-2030 plan: four zones per old commune; the 2026 yearly plan: four per new commune.</summary>
    public static async Task WritePlanningZonesAsync(NpgsqlConnection connection, SampleGeography geography, long seed, CancellationToken ct)
    {
        var batch = new NpgsqlBatch(connection);
        long id = 1;
        const string sql = """
            insert into land.planning_zones (id, plan_code, plan_kind, planned_purpose_code, period_from, period_to, unit_code, approved_by, geom, zone_code)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """;
        foreach (var c in SampleGeography.Communes)
        {
            var r = new SampleRandom(seed, c.Index, 20);
            var zone = 0;
            foreach (var (qx, qy) in Quadrants)
            {
                var geom = geography.Rectangle(SampleGeography.OriginEasting + c.Column * SampleGeography.CommuneSize + qx * 2500,
                    SampleGeography.OriginNorthing + c.Row * SampleGeography.CommuneSize + qy * 2500, 2500, 2500);
                batch.BatchCommands.Add(Command(sql, id++, "QHSDD-2021-2030", "quy-hoach", r.Weighted<string>(PlannedPurposes), 2021, 2030, c.Code,
                    "QĐ 1150/QĐ-UBND ngày 15/6/2022 (mẫu)", geom, ZoneCode(c.Code, ++zone)));
            }
        }
        foreach (var n in SampleGeography.NewCommunes)
        {
            var r = new SampleRandom(seed, n.Index, 21);
            var boundary = geography.NewCommuneBoundary(n).EnvelopeInternal;
            var zone = 0;
            foreach (var (qx, qy) in Quadrants)
            {
                var geom = geography.Rectangle(boundary.MinX + qx * 5000, boundary.MinY + qy * 5000, 5000, 5000);
                batch.BatchCommands.Add(Command(sql, id++, "KHSDD-2026", "ke-hoach", r.Weighted<string>(PlannedPurposes), 2026, 2026, n.Code,
                    "QĐ 245/QĐ-UBND ngày 20/01/2026 (mẫu)", geom, ZoneCode(n.Code, ++zone)));
            }
        }
        await using (batch)
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>A zone's code within its plan or price table: the unit and a number, as migration 0090 gave the zones it found.</summary>
    private static string ZoneCode(string unit, int n) => $"{unit}-{n:000}";

    private static readonly (int, int)[] Quadrants = [(0, 0), (1, 0), (0, 1), (1, 1)];
    private static readonly decimal[] PositionFactors = [1m, 0.6m, 0.4m, 0.25m];

    /// <summary>Two roads through each old commune, each in two segments, priced per position in two price tables.</summary>
    public static async Task WritePriceZonesAsync(NpgsqlConnection connection, SampleGeography geography, long seed, CancellationToken ct)
    {
        var batch = new NpgsqlBatch(connection);
        long id = 1;
        const string sql = """
            insert into land.price_zones (id, price_table, land_type_code, road_name, segment_from, segment_to, position, price_per_m2,
                                          effective_from, effective_to, unit_code, geom, zone_code)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            """;
        foreach (var c in SampleGeography.Communes)
        {
            var r = new SampleRandom(seed, c.Index, 22);
            var urban = c.DistrictCode == "689";
            var basePrice = (urban ? 6_000_000m : 1_500_000m) * (decimal)(0.7 + r.NextDouble() * 0.6);
            var x0 = SampleGeography.OriginEasting + c.Column * SampleGeography.CommuneSize;
            var y0 = SampleGeography.OriginNorthing + c.Row * SampleGeography.CommuneSize;
            var segments = new (string Road, string From, string To, LineString Line)[]
            {
                ($"Đường Mẫu ĐT-{c.Index + 1:000}", "ranh giới phía Tây", "ngã tư trung tâm", Line(geography, x0, y0 + 2500, x0 + 2500, y0 + 2500)),
                ($"Đường Mẫu ĐT-{c.Index + 1:000}", "ngã tư trung tâm", "ranh giới phía Đông", Line(geography, x0 + 2500, y0 + 2500, x0 + 5000, y0 + 2500)),
                ($"Đường Mẫu LX-{c.Index + 1:000}", "ranh giới phía Nam", "ngã tư trung tâm", Line(geography, x0 + 2500, y0, x0 + 2500, y0 + 2500)),
                ($"Đường Mẫu LX-{c.Index + 1:000}", "ngã tư trung tâm", "ranh giới phía Bắc", Line(geography, x0 + 2500, y0 + 2500, x0 + 2500, y0 + 5000)),
            };
            var zone = 0;
            foreach (var (road, from, to, line) in segments)
            {
                var code = ZoneCode(c.Code, ++zone);
                for (var position = 1; position <= PositionFactors.Length; position++)
                {
                    var price = RoundPrice(basePrice * PositionFactors[position - 1]);
                    batch.BatchCommands.Add(Command(sql, id++, "BGD-2020-2024", urban ? "ODT" : "ONT", road, from, to, (short)position, price,
                        new DateOnly(2020, 1, 1), (object)new DateOnly(2025, 1, 1), c.Code, line, code));
                    batch.BatchCommands.Add(Command(sql, id++, "BGD-2025", urban ? "ODT" : "ONT", road, from, to, (short)position, RoundPrice(price * 1.35m),
                        new DateOnly(2025, 1, 1), DBNull.Value, c.Code, line, code));
                }
            }
        }
        await using (batch)
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// Stored 2024 inventory figures derived from the parcels registered before 2025, with a few
    /// rows nudged by 0.4 % so that reports comparing stored and computed figures have
    /// differences to show, as real inventories do.
    /// </summary>
    public static async Task WriteStatisticsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            insert into land.statistics (unit_code, purpose_code, user_type_code, year, area_m2, source)
            select p.commune_code, lu.purpose_code, u.user_type_code, 2024,
                   round(sum(lu.area_m2) * case when abs(hashtext(p.commune_code || lu.purpose_code || u.user_type_code)) % 50 = 0 then 1.004 else 1 end, 1),
                   'inventory-2024'
            from land.parcels p
            join land.land_uses lu on lu.parcel_id = p.id
            join land.parcel_users pu on pu.parcel_id = p.id and pu.id % 2 = 1   -- the first user of each parcel
            join personal.land_users u on u.id = pu.land_user_id
            where p.registered_on < date '2025-01-01'
            group by 1, 2, 3
            """, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static LineString Line(SampleGeography geography, double x0, double y0, double x1, double y1) =>
        geography.Factory.CreateLineString([new Coordinate(x0, y0), new Coordinate(x1, y1)]);

    private static decimal RoundPrice(decimal price) => Math.Round(price / 1000m, MidpointRounding.AwayFromZero) * 1000m;

    private static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        return command;
    }
}
