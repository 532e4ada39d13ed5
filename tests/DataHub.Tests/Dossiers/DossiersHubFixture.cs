using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataHub.Api.Dossiers;
using DataHub.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DataHub.Tests.Dossiers;

/// <summary>A clock the tests move, so that a dossier can be walked through Tết 2026.</summary>
public sealed class SettableTime : TimeProvider
{
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => Now;

    /// <summary>Sets the clock to a local time in the province (UTC+7).</summary>
    public void At(string local) => Now = DateTimeOffset.Parse(local + "+07:00", CultureInfo.InvariantCulture);
}

/// <summary>
/// The hub with a few parcels of its own (users, land uses, certificates), the principals of the
/// dossier workflow (the one-stop-shop client, a land registration officer, the office's head,
/// the tax authority's client, a reader) and a dossier clock the tests set.
/// </summary>
public class DossiersHubFixture : HubFixture
{
    public SettableTime Time { get; } = new();

    /// <summary>Parcel 26500/10/1: 1000 m², ONT, user Lê Văn Cũ, certificate DA 100001 (transfers).</summary>
    public long TransferParcel { get; private set; }

    /// <summary>Parcel 26500/10/2: 40 m × 25 m, CLN, certificate DA 100002 (splits).</summary>
    public long SplitParcel { get; private set; }

    private readonly Dictionary<string, string> tokens = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton(new DossierClock(Time)));
    }

    protected override async Task PrepareDatabaseAsync()
    {
        var cs = Database.ConnectionString;
        tokens["registrar"] = TestPrincipals.Token($"account:{await TestPrincipals.CreateAccountAsync(cs, "registrar", "vpdk-dn", ["land-registrar"])}");
        tokens["head"] = TestPrincipals.Token($"account:{await TestPrincipals.CreateAccountAsync(cs, "head", "vpdk-dn", ["registrar-head"])}");
        tokens["reader"] = TestPrincipals.Token($"account:{await TestPrincipals.CreateAccountAsync(cs, "reader", "snnmt-dn", ["reader"])}");
        tokens["one-stop-shop"] = TestPrincipals.Token($"client:{await CreateClientAsync("mot-cua", "ttpvhcc-dn", "one-stop-shop")}");
        tokens["tax"] = TestPrincipals.Token($"client:{await CreateClientAsync("thue", "thue-dn", "tax-authority")}");

        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await Scalar<object>(connection, tx, "select set_config('datahub.writer', 'test:land', true)");
        TransferParcel = await AddParcelAsync(connection, tx, 1, "POLYGON((500000 1250000, 500040 1250000, 500040 1250025, 500000 1250025, 500000 1250000))", "ONT", "DA 100001", "Lê Văn Cũ", "079000000001");
        SplitParcel = await AddParcelAsync(connection, tx, 2, "POLYGON((500100 1250000, 500140 1250000, 500140 1250025, 500100 1250025, 500100 1250000))", "CLN", "DA 100002", "Phạm Thị Chủ", "079000000002");
        await tx.CommitAsync();
    }

    private static async Task<long> AddParcelAsync(NpgsqlConnection c, NpgsqlTransaction tx, int number, string wkt, string purpose, string serial, string owner, string idNumber)
    {
        var parcel = await Scalar<long>(c, tx, """
            insert into land.parcels (commune_code, map_sheet, parcel_no, area_m2, legal_area_m2, address, registered_on, geom)
            values ('26500', 10, $1, 1000, 1000, 'Ấp 1, xã Tân Lập', '2015-06-01', st_multi(st_geomfromtext($2, 9212))) returning id
            """, number, wkt);
        await Scalar<object>(c, tx, """
            insert into land.land_uses (parcel_id, purpose_code, area_m2, long_term, origin_code, is_main) values ($1, $2, 1000, true, 'CNQ', true)
            """, parcel, purpose);
        var user = await Scalar<long>(c, tx, """
            insert into personal.land_users (user_type_code, full_name, id_kind, id_number, birth_year, address)
            values ('CNV', $1, 'CCCD', $2, 1970, 'Ấp 1, xã Tân Lập') returning id
            """, owner, idNumber);
        await Scalar<object>(c, tx, "insert into land.parcel_users (parcel_id, land_user_id, role, share) values ($1, $2, 'owner', 1)", parcel, user);
        await Scalar<object>(c, tx, """
            insert into land.certificates (parcel_id, serial, register_no, issued_on, issuer, rights) values ($1, $2, 'CS00001', '2015-06-01', 'Sở TN&MT', 'Quyền sử dụng đất')
            """, parcel, serial);
        return parcel;
    }

    private async Task<string> CreateClientAsync(string clientId, string unit, string role)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await Scalar<object>(connection, tx, "select set_config('datahub.writer', 'test:principals', true)");
        await Scalar<object>(connection, tx, "insert into access.clients (client_id, name, unit_code) values ($1, $1, $2)", clientId, unit);
        await Scalar<object>(connection, tx, "insert into access.client_secrets (client_id, secret_hash) values ($1, 'not-a-secret-hash')", clientId);
        await Scalar<object>(connection, tx, "insert into access.role_assignments (client_id, role) values ($1, $2)", clientId, role);
        await tx.CommitAsync();
        return clientId;
    }

    /// <summary>A client acting as: one-stop-shop, registrar, head, tax, reader.</summary>
    public HttpClient As(string principal) => CreateClientWithToken(tokens[principal]);

    public string TokenOf(string principal) => tokens[principal];

    public async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        return await Scalar<T>(connection, null, sql, values);
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, c, tx);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A change-registration (1.013831) dossier of the transfer parcel, as the one-stop shop sends it.</summary>
    public static JsonObject TransferDossier(string number, string receivedAt = "2026-02-12T09:00:00+07:00") => new()
    {
        ["dossierNumber"] = number,
        ["procedureCode"] = "1.013831",
        ["receivedAt"] = receivedAt,
        ["channel"] = "counter",
        ["communeCode"] = "26500",
        ["applicant"] = new JsonObject
        {
            ["fullName"] = "Nguyễn Văn Nộp", ["idKind"] = "CCCD", ["idNumber"] = "079123456789", ["birthYear"] = 1980,
            ["address"] = "12 Đường Số 3, xã Tân Lập", ["phone"] = "0912345678",
        },
        ["parcels"] = new JsonArray(new JsonObject { ["communeCode"] = "26500", ["mapSheet"] = 10, ["parcelNo"] = 1 }),
        ["certificates"] = new JsonArray("DA 100001"),
        ["form"] = new JsonObject
        {
            ["changeKind"] = "transfer",
            ["parcel"] = new JsonObject { ["communeCode"] = "26500", ["mapSheet"] = 10, ["parcelNo"] = 1 },
            ["certificateSerial"] = "DA 100001",
            ["transferee"] = new JsonObject
            {
                ["userType"] = "CNV", ["fullName"] = "Trần Thị Nhận", ["idKind"] = "CCCD", ["idNumber"] = "079987654321",
                ["birthYear"] = 1985, ["address"] = "45 Đường Số 7, xã Tân Lập",
            },
            ["contract"] = new JsonObject { ["number"] = "1234/2026/HĐCN", ["signedOn"] = "2026-02-10", ["priceVnd"] = 850000000 },
        },
        ["documents"] = new JsonArray(new JsonObject
        {
            ["name"] = "hop-dong.pdf", ["title"] = "Hợp đồng chuyển nhượng", ["mediaType"] = "application/pdf",
            ["content"] = Convert.ToBase64String("%PDF-1.4 hợp đồng"u8.ToArray()),
        }),
    };

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> StepAsync(HttpClient client, Guid id, string action, object? data = null, string? note = null) =>
        client.PostAsJsonAsync($"/api/v1/dossiers/{id}/steps", new { action, note = note ?? $"{action} by test", data });
}
