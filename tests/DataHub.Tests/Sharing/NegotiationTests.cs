using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataHub.Tests.Collections;
using DataHub.Tests.Infrastructure;
using static DataHub.Tests.Sharing.SharingHubFixture;

namespace DataHub.Tests.Sharing;

/// <summary>The negotiation of a data request on its thread, over HTTP, as the parties would.</summary>
public sealed class NegotiationTests(SharingHubFixture hub) : IClassFixture<SharingHubFixture>
{
    private static readonly string[] Asked = ["parcel_id", "role", "full_name", "id_number"];
    private static readonly string[] WiderFields = ["parcel_id", "birth_year"];
    private static readonly string[] CounterFields = ["parcel_id", "role", "full_name"];
    private static readonly string[] ParcelFields = ["commune_code", "parcel_no", "geometry"];
    private static readonly string[] AmendedFields = ["parcel_id", "full_name", "birth_year"];

    private object AskedScope() => Scope([new { dataset = "parcel-users", fields = Asked, area = new { units = new[] { hub.Commune } } }],
        Today, Today.AddDays(90));

    private static List<string> Actions(JsonElement array) => array.EnumerateArray().Select(a => a.GetString()!).ToList();

    [Fact]
    public async Task the_whole_negotiation_ends_in_a_grant_of_exactly_the_counter_proposal_the_requester_accepted()
    {
        using var requester = hub.As(hub.Requester);
        using var reviewer = hub.As(hub.Reviewer);
        var filed = await hub.FileAsync(AskedScope());
        var id = filed.GetProperty("id").GetString()!;
        Assert.Equal("submitted", filed.GetProperty("state").GetString());
        Assert.Equal("thue-dn", filed.GetProperty("requesterUnit").GetString());
        Assert.Equal(Asked, filed.GetProperty("scope").GetProperty("datasets")[0].GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["amend", "comment", "withdraw"], Actions(filed.GetProperty("allowedActions")).Order());

        // The reviewers ask; the requester cannot accept anything yet, nor approve its own request.
        await StepOkAsync(reviewer, id, new { action = "ask", message = "Vì sao cần số giấy tờ nhân thân?" });
        var (status, conflict) = await StepAsync(requester, id, new { action = "accept" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("information-requested", conflict.GetProperty("state").GetString());
        Assert.Equal(["amend", "answer", "comment", "withdraw"], Actions(conflict.GetProperty("allowedActions")).Order());
        await StepOkAsync(requester, id, new { action = "answer", message = "Để đối chiếu mã số thuế cá nhân." });
        var (forbidden, notMine) = await StepAsync(requester, id, new { action = "approve" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Equal("submitted", notMine.GetProperty("state").GetString());
        Assert.Contains("reviewer", notMine.GetProperty("detail").GetString());
        var (unknown, _) = await StepAsync(requester, id, new { action = "bribe" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown);

        // A counter-proposal may only narrow: an extra field is refused.
        var (wider, widerBody) = await StepAsync(reviewer, id, new
        {
            action = "counter-propose",
            scope = Scope([new { dataset = "parcel-users", fields = WiderFields }], Today, Today.AddDays(60)),
        });
        Assert.Equal(HttpStatusCode.BadRequest, wider);
        Assert.Contains("birth_year", widerBody.GetProperty("detail").GetString());
        // So is a longer period, keyed at the end that reaches outside.
        var (longer, longerBody) = await StepAsync(reviewer, id, new
        {
            action = "counter-propose",
            scope = Scope([new { dataset = "parcel-users", fields = CounterFields }], Today, Today.AddDays(400)),
        });
        Assert.Equal(HttpStatusCode.BadRequest, longer);
        Assert.Equal(["scope.validTo"], longerBody.GetProperty("errors").EnumerateObject().Select(e => e.Name));

        // Without ID numbers, owners only, a month shorter.
        var counter = await StepOkAsync(reviewer, id, new
        {
            action = "counter-propose",
            message = "Không cung cấp số giấy tờ; chỉ người sử dụng đất chính; thời hạn 60 ngày.",
            scope = Scope([new { dataset = "parcel-users", fields = CounterFields, filter = "role = 'owner'" }], Today, Today.AddDays(60)),
        });
        var difference = counter.GetProperty("difference");
        var part = difference.GetProperty("datasets").GetProperty("parcel-users");
        Assert.Equal(["id_number"], part.GetProperty("fieldsRemoved").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(JsonValueKind.Null, part.GetProperty("filter").GetProperty("from").ValueKind);
        Assert.Equal("role = 'owner'", part.GetProperty("filter").GetProperty("to").GetString());
        Assert.False(part.TryGetProperty("area", out _)); // kept as asked
        Assert.Equal(30, difference.GetProperty("periodShortenedByDays").GetInt32());
        Assert.Equal(Today.AddDays(60).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), difference.GetProperty("validTo").GetProperty("to").GetString());
        Assert.Equal("counter-proposed", counter.GetProperty("toState").GetString());

        var accepted = await StepOkAsync(requester, id, new { action = "accept", message = "Đồng ý phạm vi đề xuất." });
        Assert.Equal("approved", accepted.GetProperty("toState").GetString());

        var request = await Ogc.GetJsonAsync(requester, $"/api/v1/data-requests/{id}");
        Assert.Equal("approved", request.GetProperty("state").GetString());
        Assert.Equal(["file", "ask", "answer", "counter-propose", "accept"],
            request.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("action").GetString()));
        Assert.All(request.GetProperty("steps").EnumerateArray(), s =>
        {
            Assert.StartsWith("account:", s.GetProperty("actor").GetString());
            Assert.True(s.GetProperty("at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        });
        Assert.Equal(["requester", "reviewer", "requester", "reviewer", "requester"],
            request.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("side").GetString()));
        Assert.True(request.TryGetProperty("decidedAt", out var decided) && decided.ValueKind == JsonValueKind.String);
        Assert.Equal(0, request.GetProperty("workingDaysToDecision").GetInt32());

        // The grant is exactly the accepted counter-proposal.
        var grantId = request.GetProperty("grantId").GetString()!;
        var grant = await Ogc.GetJsonAsync(requester, $"/api/v1/grants/{grantId}");
        Assert.Equal("active", grant.GetProperty("status").GetString());
        Assert.Equal("thue-dn", grant.GetProperty("granteeUnit").GetString());
        var scope = grant.GetProperty("datasets")[0];
        Assert.Equal(["parcel_id", "role", "full_name"], scope.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("role = 'owner'", scope.GetProperty("filter").GetString());
        Assert.Equal([hub.Commune], scope.GetProperty("area").GetProperty("units").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(1000, grant.GetProperty("rateLimitPerHour").GetInt32());

        // What the grantee reads is that scope.
        var items = await Ogc.GetJsonAsync(requester, $"/api/v1/grants/{grantId}/collections/parcel-users/items?limit=10000");
        var features = Ogc.Features(items);
        Assert.Equal(await hub.CountInCommuneAsync("pu.role = 'owner'"), features.Count);
        Assert.NotEmpty(features);
        Assert.All(features, f => Assert.Equal(["parcel_id", "role", "full_name"], f.GetProperty("properties").EnumerateObject().Select(p => p.Name)));
        Assert.All(features, f => Assert.Equal("owner", f.GetProperty("properties").GetProperty("role").GetString()));

        // Every state change is an event for the outbox, and an audit entry.
        var events = await hub.ScalarAsync<string[]>("select array_agg(kind order by id) from special_sharing.events where request_id = $1", Guid.Parse(id));
        Assert.Equal(["request.filed", "request.ask", "request.answer", "request.counter-propose", "grant.created", "request.accept"], events);
        var audit = await Ogc.GetJsonAsync(hub.CreateClient(), $"/api/v1/audit?target=data-request:{id}");
        Assert.Equal(5, audit.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task a_refusal_is_in_writing_with_reasons_and_a_legal_basis_and_ends_the_negotiation()
    {
        using var reviewer = hub.As(hub.Reviewer);
        var id = (await hub.FileAsync(AskedScope())).GetProperty("id").GetString()!;

        var (noBasis, problem) = await StepAsync(reviewer, id, new { action = "refuse", reasons = "Không đủ căn cứ." });
        Assert.Equal(HttpStatusCode.BadRequest, noBasis);
        Assert.True(problem.GetProperty("errors").TryGetProperty("legalBasis", out _), problem.ToString());
        var (noReasons, problem2) = await StepAsync(reviewer, id, new { action = "refuse", legalBasis = "Luật 91/2025/QH15, Điều 13" });
        Assert.Equal(HttpStatusCode.BadRequest, noReasons);
        Assert.True(problem2.GetProperty("errors").TryGetProperty("reasons", out _), problem2.ToString());

        var refused = await StepOkAsync(reviewer, id, new
        {
            action = "refuse",
            reasons = "Mục đích thu thuế không cần số giấy tờ nhân thân của toàn bộ người sử dụng đất của xã.",
            legalBasis = "Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15, Điều 3 (nguyên tắc tối thiểu hóa); NĐ 194/2025/NĐ-CP",
        });
        Assert.Equal("refused", refused.GetProperty("toState").GetString());
        Assert.StartsWith("Luật Bảo vệ dữ liệu cá nhân", refused.GetProperty("legalBasis").GetString());

        var (late, conflict) = await StepAsync(reviewer, id, new { action = "approve" });
        Assert.Equal(HttpStatusCode.Conflict, late);
        Assert.Equal("refused", conflict.GetProperty("state").GetString());
        Assert.Empty(conflict.GetProperty("allowedActions").EnumerateArray());

        using var requester = hub.As(hub.Requester);
        var request = await Ogc.GetJsonAsync(requester, $"/api/v1/data-requests/{id}");
        Assert.Equal("refused", request.GetProperty("state").GetString());
        Assert.False(request.TryGetProperty("grantId", out var grant) && grant.ValueKind != JsonValueKind.Null);
        var last = request.GetProperty("steps").EnumerateArray().Last();
        Assert.Equal("refuse", last.GetProperty("action").GetString());
        Assert.False(string.IsNullOrEmpty(last.GetProperty("reasons").GetString()));
        Assert.False(string.IsNullOrEmpty(last.GetProperty("legalBasis").GetString()));
    }

    [Fact]
    public async Task the_requester_amends_and_withdraws_and_the_thread_keeps_every_difference()
    {
        using var requester = hub.As(hub.Requester);
        using var colleague = hub.As(hub.RequesterColleague);
        var id = (await hub.FileAsync(AskedScope())).GetProperty("id").GetString()!;
        var amended = await StepOkAsync(colleague, id, new
        {
            action = "amend",
            purpose = "Đối chiếu người nộp thuế",
            scope = Scope([new { dataset = "parcel-users", fields = AmendedFields, area = new { units = new[] { hub.Commune } } }],
                Today.AddDays(1), Today.AddDays(90)),
        });
        var difference = amended.GetProperty("difference");
        var part = difference.GetProperty("datasets").GetProperty("parcel-users");
        Assert.Equal(["role", "id_number"], part.GetProperty("fieldsRemoved").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["birth_year"], part.GetProperty("fieldsAdded").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("Đối chiếu người nộp thuế", difference.GetProperty("purpose").GetProperty("to").GetString());
        Assert.Equal(1, difference.GetProperty("periodShortenedByDays").GetInt32());

        var (nothing, _) = await StepAsync(requester, id, new { action = "amend", purpose = "Đối chiếu người nộp thuế" });
        Assert.Equal(HttpStatusCode.BadRequest, nothing);
        await StepOkAsync(requester, id, new { action = "withdraw", message = "Đã có dữ liệu từ nguồn khác." });
        var (again, conflict) = await StepAsync(requester, id, new { action = "amend", purpose = "x" });
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal("withdrawn", conflict.GetProperty("state").GetString());
        var request = await Ogc.GetJsonAsync(requester, $"/api/v1/data-requests/{id}");
        Assert.Equal("withdrawn", request.GetProperty("state").GetString());
        Assert.Equal("Đối chiếu người nộp thuế", request.GetProperty("purpose").GetString());
        Assert.Equal(["parcel_id", "full_name", "birth_year"], request.GetProperty("scope").GetProperty("datasets")[0].GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task the_list_filters_by_a_state_of_the_negotiation_and_names_an_unknown_state_or_limit()
    {
        var filed = await hub.FileAsync(AskedScope());
        var id = filed.GetProperty("id").GetString()!;
        var state = filed.GetProperty("state").GetString()!;
        using var requester = hub.As(hub.Requester);
        Assert.Contains(id, await requester.GetStringAsync($"/api/v1/data-requests?state={state}"));

        var unknown = await Problems.AssertProblemAsync(await requester.GetAsync("/api/v1/data-requests?state=aproved"), HttpStatusCode.BadRequest);
        var message = unknown.GetProperty("errors").GetProperty("state")[0].GetString()!;
        Assert.StartsWith("There is no state 'aproved'; the states are ", message);
        Assert.Contains(state, message);
        var limit = await Problems.AssertProblemAsync(await requester.GetAsync("/api/v1/data-requests?limit=0"), HttpStatusCode.BadRequest);
        Assert.True(limit.GetProperty("errors").TryGetProperty("limit", out _));
    }

    [Fact]
    public async Task a_filing_without_purpose_legal_basis_or_a_known_scope_is_refused_by_field()
    {
        using var requester = hub.As(hub.Requester);
        var response = await requester.PostAsync("/api/v1/data-requests", new StringContent("""
            {"scope": {"datasets": [{"dataset": "parcel-users", "fields": ["full_name", "shoe_size"], "filter": "nope = 1", "area": {"units": ["99999"]}}],
                       "validFrom": "2026-01-01", "validTo": "2025-12-31"},
             "delivery": "fax", "contact": {"name": "A"}}
            """, System.Text.Encoding.UTF8, "application/json"));
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "purpose", "legalBasis", "delivery", "contact", "scope.datasets[0].fields", "scope.datasets[0].filter", "scope.datasets[0].area", "scope.validTo" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"{field} missing in {errors}");
        }
        // Filing needs requests.file: a reviewer does not file for its department this way.
        using var reviewer = hub.As(hub.Reviewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.PostAsync("/api/v1/data-requests", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Fact]
    public async Task a_null_dataset_or_field_in_the_scope_is_a_400_at_its_index_and_nothing_is_filed()
    {
        using var requester = hub.As(hub.Requester);
        var before = (await Ogc.GetJsonAsync(requester, "/api/v1/data-requests")).GetArrayLength();
        async Task<string[]> RefusedAsync(string datasets)
        {
            var response = await requester.PostAsync("/api/v1/data-requests", new StringContent($$$"""
                {"purpose": "kiểm tra", "legalBasis": "Điều 58 Luật Đất đai 2024",
                 "scope": {"datasets": {{{datasets}}}, "validFrom": "2026-01-01", "validTo": "2026-12-31"},
                 "delivery": "api", "contact": {"name": "A", "email": "a@example.vn"}}
                """, System.Text.Encoding.UTF8, "application/json"));
            var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
            return problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToArray();
        }
        Assert.Equal(["scope.datasets[0]"], await RefusedAsync("""[null, {"dataset": "parcels", "fields": ["parcel_id"]}]"""));
        Assert.Equal(["scope.datasets[0].fields[1]"], await RefusedAsync("""[{"dataset": "parcels", "fields": ["parcel_id", null]}]"""));
        Assert.Equal(before, (await Ogc.GetJsonAsync(requester, "/api/v1/data-requests")).GetArrayLength());
    }

    [Fact]
    public async Task a_step_without_an_action_is_told_the_action_is_required_and_an_unknown_one_is_named()
    {
        var id = (await hub.FileAsync(AskedScope())).GetProperty("id").GetString()!;
        using var reviewer = hub.As(hub.Reviewer);
        var (missing, missingBody) = await StepAsync(reviewer, id, new { note = "?" });
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.StartsWith("Required: the action to take, one of ", missingBody.GetProperty("errors").GetProperty("action")[0].GetString(), StringComparison.Ordinal);
        var (unknown, unknownBody) = await StepAsync(reviewer, id, new { action = "fly" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.StartsWith("Unknown action 'fly'. Actions: ", unknownBody.GetProperty("errors").GetProperty("action")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_third_unit_and_a_reviewer_of_another_dataset_cannot_see_the_request_or_its_grant_at_all()
    {
        var grantId = await hub.GrantAsync(["parcel_id", "full_name"], null, Today, Today.AddDays(10));
        using var requester = hub.As(hub.Requester);
        var requestId = (await Ogc.GetJsonAsync(requester, $"/api/v1/grants/{grantId}")).GetProperty("requestId").GetString()!;
        foreach (var token in new[] { hub.ThirdUnit, hub.OtherReviewer })
        {
            using var outsider = hub.As(token);
            await Problems.AssertProblemAsync(await outsider.GetAsync($"/api/v1/data-requests/{requestId}"), HttpStatusCode.NotFound);
            var (status, _) = await StepAsync(outsider, requestId, new { action = "comment", message = "?" });
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.DoesNotContain(requestId, await outsider.GetStringAsync("/api/v1/data-requests"));
            Assert.DoesNotContain(requestId, await outsider.GetStringAsync($"/api/v1/data-requests/overdue?asOf={Today.AddYears(1):yyyy-MM-dd}"));
            await Problems.AssertProblemAsync(await outsider.GetAsync($"/api/v1/grants/{grantId}"), HttpStatusCode.NotFound);
            Assert.DoesNotContain(grantId, await outsider.GetStringAsync("/api/v1/grants"));
            await Problems.AssertProblemAsync(await outsider.GetAsync($"/api/v1/grants/{grantId}/collections/parcel-users/items"), HttpStatusCode.NotFound);
            await Problems.AssertProblemAsync(await outsider.PostAsync($"/api/v1/grants/{grantId}/revocation",
                new StringContent("""{"reasons": "x"}""", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.NotFound);
        }
        // Those who may see it do: the unit (any of its accounts and clients), the dataset's reviewer, the department's administrator.
        foreach (var token in new[] { hub.Requester, hub.RequesterColleague, hub.RequesterClient, hub.Reviewer, hub.Administrator })
        {
            using var party = hub.As(token);
            Assert.Equal(HttpStatusCode.OK, (await party.GetAsync($"/api/v1/data-requests/{requestId}")).StatusCode);
            Assert.Contains(grantId, await party.GetStringAsync("/api/v1/grants"));
        }
        // The reviewer sees the grant but does not read through it: that is the grantee's.
        using var reviewer = hub.As(hub.Reviewer);
        var refused = await Problems.AssertProblemAsync(await reviewer.GetAsync($"/api/v1/grants/{grantId}/collections/parcel-users/items"), HttpStatusCode.Forbidden);
        Assert.Equal("not-grantee", refused.GetProperty("grantStatus").GetString());
    }

    [Fact]
    public async Task undecided_requests_past_ten_working_days_are_listed_for_the_department()
    {
        var filed = await hub.FileAsync(AskedScope());
        var id = filed.GetProperty("id").GetString()!;
        var due = DateOnly.Parse(filed.GetProperty("decisionDueOn").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(await hub.ScalarAsync<DateOnly>("select ref.add_working_days($1, 10)", Today), due);

        using var admin = hub.As(hub.Administrator);
        Assert.DoesNotContain(id, await admin.GetStringAsync($"/api/v1/data-requests/overdue?asOf={due:yyyy-MM-dd}"));
        var nextWorkingDay = await hub.ScalarAsync<DateOnly>("select ref.add_working_days($1, 1)", due);
        var overdue = await Ogc.GetJsonAsync(admin, $"/api/v1/data-requests/overdue?asOf={nextWorkingDay:yyyy-MM-dd}");
        var entry = overdue.EnumerateArray().Single(r => r.GetProperty("id").GetString() == id);
        Assert.Equal(1, entry.GetProperty("workingDaysOverdue").GetInt32());
        Assert.Equal("thue-dn", entry.GetProperty("requesterUnit").GetString());

        // Decided, it leaves the list.
        using var reviewer = hub.As(hub.Reviewer);
        await StepOkAsync(reviewer, id, new { action = "approve" });
        Assert.DoesNotContain(id, await admin.GetStringAsync($"/api/v1/data-requests/overdue?asOf={nextWorkingDay:yyyy-MM-dd}"));
    }

    [Fact]
    public async Task whoever_filed_a_request_does_not_review_it_even_as_a_reviewer_of_the_dataset()
    {
        // The test operator belongs to the department, may file (reader) and reviews every dataset.
        using var operatorClient = hub.CreateClient();
        var response = await operatorClient.PostAsJsonAsync("/api/v1/data-requests", new
        {
            scope = AskedScope(), purpose = "Kiểm tra", legalBasis = "Quy chế khai thác", delivery = "api", contact = Contact,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var filed = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.DoesNotContain("approve", Actions(filed.GetProperty("allowedActions")));
        var (status, problem) = await StepAsync(operatorClient, filed.GetProperty("id").GetString()!, new { action = "approve" });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("submitted", problem.GetProperty("state").GetString());
        // Another reviewer decides.
        using var reviewer = hub.As(hub.Reviewer);
        await StepOkAsync(reviewer, filed.GetProperty("id").GetString()!, new { action = "approve" });
    }

    [Fact]
    public async Task a_counter_proposed_area_must_lie_within_the_requested_one_and_then_limits_the_rows()
    {
        using var requester = hub.As(hub.Requester);
        using var reviewer = hub.As(hub.Reviewer);
        using var parcelsReviewer = hub.As(hub.OperatorToken); // reviews every dataset
        var id = (await hub.FileAsync(Scope([new { dataset = "parcels", fields = ParcelFields, area = new { units = new[] { hub.Commune } } }],
            Today, Today.AddDays(30)))).GetProperty("id").GetString()!;
        // The parcel-users reviewer does not review parcels: it does not even see the request.
        Assert.Equal(HttpStatusCode.NotFound, (await StepAsync(reviewer, id, new { action = "approve" })).Status);

        // A box well inside the commune, and one beside it.
        var box = await hub.ScalarAsync<double[]>("""
            select array[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)] from (
              select ST_Transform(ST_Expand(c.center, c.radius / 2), 4326)::box2d b from (
                select (ST_MaximumInscribedCircle(boundary)).* from ref.admin_units where code = $1 order by valid_from desc limit 1) c) x
            """, hub.Commune);
        var beside = new[] { box[0] - 1, box[1], box[0] - 0.5, box[3] };
        var (outside, problem) = await StepAsync(parcelsReviewer, id, new
        {
            action = "counter-propose", scope = Scope([new { dataset = "parcels", fields = ParcelFields, area = new { bbox = beside } }], Today, Today.AddDays(30)),
        });
        Assert.Equal(HttpStatusCode.BadRequest, outside);
        Assert.Contains("within", problem.GetProperty("detail").GetString());
        var counter = await StepOkAsync(parcelsReviewer, id, new
        {
            action = "counter-propose", scope = Scope([new { dataset = "parcels", fields = ParcelFields, area = new { bbox = box } }], Today, Today.AddDays(30)),
        });
        var area = counter.GetProperty("difference").GetProperty("datasets").GetProperty("parcels").GetProperty("area");
        Assert.Equal([hub.Commune], area.GetProperty("from").GetProperty("units").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(4, area.GetProperty("to").GetProperty("bbox").GetArrayLength());
        await StepOkAsync(requester, id, new { action = "accept" });
        var grantId = (await Ogc.GetJsonAsync(requester, $"/api/v1/data-requests/{id}")).GetProperty("grantId").GetString()!;

        var items = await Ogc.GetJsonAsync(requester, $"/api/v1/grants/{grantId}/collections/parcels/items?limit=10000");
        var expected = await hub.ScalarAsync<long>("select count(*) from land.parcels where ST_Intersects(geom, ST_Transform(ST_MakeEnvelope($1, $2, $3, $4, 4326), 9212))",
            box[0], box[1], box[2], box[3]);
        Assert.True(expected > 0);
        Assert.Equal(expected, Ogc.Features(items).Count);
        Assert.All(Ogc.Features(items), f => Assert.Equal(ParcelFields[..^1], f.GetProperty("properties").EnumerateObject().Select(p => p.Name)));
    }

    [Fact]
    public async Task the_transitions_table_is_data_the_api_shows()
    {
        using var requester = hub.As(hub.Requester);
        var transitions = await Ogc.GetJsonAsync(requester, "/api/v1/data-requests/transitions");
        var rows = transitions.EnumerateArray().Select(t => (t.GetProperty("fromState").GetString(), t.GetProperty("action").GetString(), t.GetProperty("toState").GetString(), t.GetProperty("side").GetString())).ToList();
        Assert.Contains(("counter-proposed", "accept", "approved", "requester"), rows);
        Assert.Contains(("submitted", "refuse", "refused", "reviewer"), rows);
        Assert.Contains(("approved", "revoke", "revoked", "administrator"), rows);
        Assert.DoesNotContain(rows, r => r.Item1 is "refused" or "withdrawn" or "revoked");
    }
}
