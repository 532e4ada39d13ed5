using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataHub.Tests.Infrastructure;
using Npgsql;

namespace DataHub.Tests.Sharing;

/// <summary>
/// The sample province with the parties of special-request sharing: the tax department asking
/// (a reader and a client of thue-dn), the department's reviewer of parcel-users, a reviewer of
/// another dataset, a department administrator, and a third unit (the IOC) that must see nothing.
/// </summary>
public class SharingHubFixture : SeededHubFixture
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "datahub-sharing-tests-" + Guid.NewGuid().ToString("N"));

    public string Requester { get; private set; } = "";
    public string RequesterClient { get; private set; } = "";
    public string Reviewer { get; private set; } = "";
    public string OtherReviewer { get; private set; } = "";
    public string Administrator { get; private set; } = "";
    public string ThirdUnit { get; private set; } = "";
    public string RequesterColleague { get; private set; } = "";

    /// <summary>A new commune code of the sample province (post-2025), with its boundary.</summary>
    public string Commune { get; private set; } = "";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Extractions:Folder", Folder), new("Extractions:PollMilliseconds", "200")];

    protected override async Task PrepareDatabaseAsync()
    {
        await base.PrepareDatabaseAsync();
        var cs = Database.ConnectionString;
        async Task<string> Account(string name, string unit, string[] roles, (string, string)[]? datasetRoles = null) =>
            TestPrincipals.Token($"account:{await TestPrincipals.CreateAccountAsync(cs, name, unit, roles, datasetRoles)}");
        Requester = await Account("thue-reader", "thue-dn", ["reader"]);
        RequesterColleague = await Account("thue-head", "thue-dn", ["unit-head"]);
        Reviewer = await Account("pu-reviewer", "snnmt-dn", [], [("request-reviewer", "parcel-users")]);
        OtherReviewer = await Account("pz-reviewer", "snnmt-dn", [], [("request-reviewer", "planning-zones")]);
        Administrator = await Account("sharing-admin", "snnmt-dn", ["department-admin"]);
        ThirdUnit = await Account("ioc-reader", "ioc-dn", ["reader"]);
        // A system of the tax department with no role at all: reading through a grant needs none.
        await ExecuteAsWriterAsync("""
            insert into access.clients (client_id, name, unit_code) values ('thue-gis', 'GIS of the tax department', 'thue-dn');
            insert into access.client_secrets (client_id, secret_hash) values ('thue-gis', 'not-a-secret-hash');
            """);
        RequesterClient = TestPrincipals.Token("client:thue-gis");
        Commune = await ScalarAsync<string>("select min(new_code) from ref.admin_unit_successions where new_code like '265%'");
    }

    public HttpClient As(string token) => CreateClientWithToken(token);

    public static object Scope(object[] datasets, DateOnly from, DateOnly to) => new { datasets, validFrom = from, validTo = to };

    public static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh")).DateTime);

    public static object Contact => new { name = "Trần Thị Liên", email = "lien@thue.example.vn", phone = "0251 3822 000" };

    /// <summary>Files a request as the tax department's reader; returns its document.</summary>
    public async Task<JsonElement> FileAsync(object scope, string delivery = "api", string? extractFormat = null)
    {
        using var client = As(Requester);
        var response = await client.PostAsJsonAsync("/api/v1/data-requests", new
        {
            scope,
            purpose = "Xác định người nộp thuế sử dụng đất phi nông nghiệp năm 2026",
            legalBasis = "Luật Quản lý thuế 38/2019/QH14, Điều 98; Công văn 123/TDN-QLĐ",
            delivery,
            extractFormat,
            contact = Contact,
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement;
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> StepAsync(HttpClient client, string requestId, object step)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/data-requests/{requestId}/steps", step);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement);
    }

    public static async Task<JsonElement> StepOkAsync(HttpClient client, string requestId, object step)
    {
        var (status, body) = await StepAsync(client, requestId, step);
        Assert.True(status == HttpStatusCode.Created, $"{(int)status}: {body}");
        return body;
    }

    /// <summary>Files and approves a request for parcel-users in one go; returns the grant id.</summary>
    public async Task<string> GrantAsync(string[] fields, string? filter, DateOnly from, DateOnly to, int? rateLimit = null, string delivery = "api", string? format = null, bool withArea = true)
    {
        var request = await FileAsync(Scope([new { dataset = "parcel-users", fields, filter, area = withArea ? new { units = new[] { Commune } } : null }], from, to), delivery, format);
        using var reviewer = As(Reviewer);
        var id = request.GetProperty("id").GetString()!;
        await StepOkAsync(reviewer, id, new { action = "approve", message = "Đồng ý.", rateLimitPerHour = rateLimit });
        using var requester = As(Requester);
        var approved = JsonDocument.Parse(await requester.GetStringAsync($"/api/v1/data-requests/{id}")).RootElement;
        Assert.Equal("approved", approved.GetProperty("state").GetString());
        return approved.GetProperty("grantId").GetString()!;
    }

    public async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The parcel-users rows whose parcel lies in the commune, with an optional extra SQL condition on them (alias pu).</summary>
    public Task<long> CountInCommuneAsync(string condition = "true") => ScalarAsync<long>($"""
        select count(*) from restricted.parcel_users pu
        where pu.parcel_id in (select p.id from land.parcels p where ST_Intersects(p.geom,
              (select boundary from ref.admin_units where code = $1 order by valid_from desc limit 1)))
          and {condition}
        """, Commune);
}
