using System.Globalization;
using System.Text.Json;
using DataHub.Api.Infrastructure.Database;
using Npgsql;

namespace DataHub.Api.Dossiers;

/// <summary>
/// Approving a dossier applies its change to the land database, written by "dossier:&lt;id&gt;" so
/// every version it ends or starts (history.*, written_by, ended_by) points back to the dossier.
/// A transfer changes the parcel's land user; a split retires one parcel and creates the new
/// ones from the surveyed geometries in the approval's data; a mortgage is registered on the
/// certificate.
/// </summary>
public sealed class DossierResults(NpgsqlDataSource dataSource)
{
    public async Task<(object? Result, IReadOnlyList<FieldProblem> Problems)> ApplyAsync(WriteTransaction write, DossierStore.Row dossier,
        JsonElement? data, DateOnly today, CancellationToken ct)
    {
        await write.ExecuteAsync("select set_config('datahub.writer', $1, true)", ct, $"dossier:{dossier.Id}");
        var outcome = dossier.ChangeKind switch
        {
            "transfer" => await TransferAsync(write, dossier, ct),
            "split" => await SplitAsync(write, dossier, data, today, ct),
            "mortgage" => await MortgageAsync(write, dossier, today, ct),
            _ => (new { kind = "none" }, []),
        };
        return outcome;
    }

    private static async Task<(object?, IReadOnlyList<FieldProblem>)> TransferAsync(WriteTransaction write, DossierStore.Row dossier, CancellationToken ct)
    {
        var parcels = dossier.Parcels.Where(p => p.ParcelId is not null).ToList();
        if (parcels.Count == 0 || dossier.Form?["transferee"] is not { } transferee)
        {
            return (null, [new FieldProblem("/data", "The dossier names no parcel still in the land database, or its form has no transferee.")]);
        }
        // The same person (same identity document) is one land user, whatever the dossier.
        var userId = await write.ScalarAsync<long?>("""
            select id from personal.land_users where id_kind = $1 and id_number = $2 order by id limit 1
            """, ct, (string?)transferee["idKind"], (string?)transferee["idNumber"])
            ?? await write.ScalarAsync<long>("""
                insert into personal.land_users (user_type_code, full_name, id_kind, id_number, birth_year, address)
                values ($1, $2, $3, $4, $5, $6) returning id
                """, ct, (string?)transferee["userType"] ?? "CNV", (string?)transferee["fullName"], (string?)transferee["idKind"],
                (string?)transferee["idNumber"], (int?)transferee["birthYear"], (string?)transferee["address"]);
        var changed = new List<object>();
        foreach (var parcel in parcels)
        {
            var ended = await write.ExecuteAsync("delete from land.parcel_users where parcel_id = $1 and role in ('owner', 'co-owner')", ct, parcel.ParcelId);
            await write.ExecuteAsync("insert into land.parcel_users (parcel_id, land_user_id, role, share) values ($1, $2, 'owner', 1)", ct, parcel.ParcelId, userId);
            changed.Add(new { parcelId = parcel.ParcelId, usersEnded = ended, landUserId = userId });
        }
        return (new { kind = "transfer", parcels = changed }, []);
    }

    private sealed record NewParcel(int MapSheet, int ParcelNo, decimal AreaM2, string Geometry);

    private async Task<(object?, IReadOnlyList<FieldProblem>)> SplitAsync(WriteTransaction write, DossierStore.Row dossier, JsonElement? data,
        DateOnly today, CancellationToken ct)
    {
        var problems = new List<FieldProblem>();
        if (dossier.Parcels is not [{ ParcelId: { } parentId }])
        {
            return (null, [new FieldProblem("/data", "A split concerns exactly one parcel that is still in the land database.")]);
        }
        if (data is not { ValueKind: JsonValueKind.Object } d || !d.TryGetProperty("parcels", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() < 2)
        {
            return (null, [new FieldProblem("/data/parcels", "Required: at least two new parcels, each {mapSheet, parcelNo, areaM2, geometry} with a Polygon or MultiPolygon in EPSG:9212.")]);
        }
        var children = new List<NewParcel>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"/data/parcels/{i++}";
            if (item.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new FieldProblem(at, "Needs an object {mapSheet, parcelNo, areaM2, geometry}."));
                continue;
            }
            // Each field at its own pointer; a value of another JSON type is a problem, not an exception.
            var sheet = Number(item, "mapSheet", out int s) && s >= 1;
            var number = Number(item, "parcelNo", out int n) && n >= 1;
            var area = Number(item, "areaM2", out decimal a) && a > 0;
            var geometry = item.TryGetProperty("geometry", out var g) && g.ValueKind == JsonValueKind.Object;
            foreach (var (ok, field, message) in new[]
            {
                (sheet, "mapSheet", "Required: the new parcel's map sheet, an integer from 1."),
                (number, "parcelNo", "Required: the new parcel's number, an integer from 1."),
                (area, "areaM2", "Required: the new parcel's area in m², a number above 0."),
                (geometry, "geometry", "Required: a GeoJSON Polygon or MultiPolygon in EPSG:9212."),
            })
            {
                if (!ok)
                {
                    problems.Add(new FieldProblem($"{at}/{field}", message));
                }
            }
            if (sheet && number && area && geometry)
            {
                children.Add(new NewParcel(s, n, a, g.GetRawText()));
            }
        }
        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var parentArea = await Scalar<decimal>("select area_m2 from land.parcels where id = $1", ct, parentId);
        for (var k = 0; k < children.Count; k++)
        {
            var c = children[k];
            try
            {
                var verdict = await Scalar<string>("""
                    with g as (select st_setsrid(st_geomfromgeojson($1), 9212) as geom), p as (select * from land.parcels where id = $2)
                    select case
                      when st_geometrytype(g.geom) not in ('ST_Polygon', 'ST_MultiPolygon') then 'is not a Polygon or MultiPolygon'
                      when st_ndims(g.geom) <> 2 then 'has coordinates of more than two dimensions (x and y only: the parcels are 2D)'
                      when not st_isvalid(g.geom) then 'is not valid: ' || st_isvalidreason(g.geom)
                      when not st_covers(st_buffer(p.geom, 0.5), g.geom) then 'lies outside the parcel being split (more than 0.5 m)'
                      when exists (select 1 from land.parcels x where x.commune_code = p.commune_code and x.map_sheet = $3 and x.parcel_no = $4)
                        then format('parcel %s/%s/%s already exists', p.commune_code, $3, $4)
                      else '' end
                    from g, p
                    """, ct, c.Geometry, parentId, c.MapSheet, c.ParcelNo);
                if (verdict is { Length: > 0 })
                {
                    problems.Add(new FieldProblem($"/data/parcels/{k}/geometry", $"The geometry {verdict}."));
                }
            }
            catch (PostgresException e)
            {
                problems.Add(new FieldProblem($"/data/parcels/{k}/geometry", $"Not a GeoJSON geometry PostGIS can read: {e.MessageText}"));
            }
        }
        var total = children.Sum(c => c.AreaM2);
        if (Math.Abs(total - parentArea) > parentArea * 0.01m)
        {
            problems.Add(new FieldProblem("/data/parcels", string.Create(CultureInfo.InvariantCulture,
                $"The new parcels' areas add up to {total} m², the parcel being split has {parentArea} m² (1% tolerance).")));
        }
        if (children.Select(c => (c.MapSheet, c.ParcelNo)).Distinct().Count() != children.Count)
        {
            problems.Add(new FieldProblem("/data/parcels", "Two new parcels have the same sheet and parcel number."));
        }
        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var created = new List<object>();
        foreach (var c in children)
        {
            var childId = await write.ScalarAsync<long>("""
                insert into land.parcels (commune_code, map_sheet, parcel_no, area_m2, legal_area_m2, address, old_commune_code, old_map_sheet, old_parcel_no, registered_on, geom)
                select commune_code, $2, $3, $4, $4, address, commune_code, map_sheet, parcel_no, $5, st_multi(st_setsrid(st_geomfromgeojson($6), 9212))
                from land.parcels where id = $1
                returning id
                """, ct, parentId, c.MapSheet, c.ParcelNo, c.AreaM2, today, c.Geometry);
            // The parent's uses, each in proportion to the new parcel's area; the same land users.
            await write.ExecuteAsync("""
                insert into land.land_uses (parcel_id, purpose_code, area_m2, long_term, use_until, origin_code, is_main)
                select $2, u.purpose_code, greatest(0.1, round(u.area_m2 * $3 / p.area_m2, 1)), u.long_term, u.use_until, u.origin_code, u.is_main
                from land.land_uses u join land.parcels p on p.id = u.parcel_id
                where u.parcel_id = $1
                """, ct, parentId, childId, c.AreaM2);
            await write.ExecuteAsync("""
                insert into land.parcel_users (parcel_id, land_user_id, role, share)
                select $2, land_user_id, role, share from land.parcel_users where parcel_id = $1
                """, ct, parentId, childId);
            created.Add(new { parcelId = childId, mapSheet = c.MapSheet, parcelNo = c.ParcelNo, areaM2 = c.AreaM2 });
        }
        // Retiring the parent ends its land uses, users and certificate too (each kept in history).
        await write.ExecuteAsync("delete from land.parcels where id = $1", ct, parentId);
        return (new { kind = "split", retired = new[] { parentId }, created }, []);
    }

    private static async Task<(object?, IReadOnlyList<FieldProblem>)> MortgageAsync(WriteTransaction write, DossierStore.Row dossier, DateOnly today, CancellationToken ct)
    {
        var mortgagee = (string?)dossier.Form?["mortgagee"];
        var serial = (string?)dossier.Form?["certificateSerial"];
        var id = await write.ScalarAsync<long?>("""
            insert into land.mortgages (certificate_id, mortgagee, registered_on)
            select id, $2, $3 from land.certificates where serial = $1
            returning id
            """, ct, serial, mortgagee, today);
        return id is null
            ? (null, [new FieldProblem("/form/certificateSerial", $"No certificate '{serial}' is in the land database any more.")])
            : (new { kind = "mortgage", mortgageId = id, certificateSerial = serial }, []);
    }

    private static bool Number(JsonElement item, string name, out int value)
    {
        value = 0;
        return item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out value);
    }

    private static bool Number(JsonElement item, string name, out decimal value)
    {
        value = 0;
        return item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out value);
    }

    // Each check is a command of the data source, on a pooled connection of its own, not in the
    // step's transaction: a geometry PostGIS cannot read fails there. And one each: PostGIS reports
    // that as an internal error (XX000), on which Npgsql closes the connection, so the next
    // parcel's check could not use it.
    private async Task<T> Scalar<T>(string sql, CancellationToken ct, params object[] values)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.AddValues(values);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }
}
