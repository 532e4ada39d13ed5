using System.Text.Json;
using System.Text.Json.Nodes;
using DataHub.Api.Audit;
using DataHub.Api.Collections;
using DataHub.Api.Extraction;
using DataHub.Api.Infrastructure.Auth;
using DataHub.Api.Infrastructure.Database;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.DataRequests;

/// <summary>What a step came to.</summary>
public abstract record StepOutcome
{
    public sealed record Done(StepDocument Step, Guid? GrantId) : StepOutcome;
    public sealed record NotFound : StepOutcome;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : StepOutcome;
    /// <summary>The action is not allowed from the request's state.</summary>
    public sealed record Conflict(string State, IReadOnlyList<string> AllowedActions, string Detail) : StepOutcome;
    /// <summary>The action is allowed from the state, but not to the caller's side.</summary>
    public sealed record NotYourSide(string State, IReadOnlyList<string> AllowedActions, string Detail) : StepOutcome;
}

/// <summary>
/// The negotiation of a data request: filing, then steps checked against the transitions table
/// (special_sharing.transitions), each kept on the thread with who, when and the exact scope
/// difference, each a state change event (special_sharing.events) and an audit entry, all in one
/// transaction. Approval (or an accepted counter-proposal) creates the grant, and for a one-off
/// extract queues its extraction jobs.
/// </summary>
public sealed class Negotiation(
    NpgsqlDataSource dataSource, ScopeRules rules, Catalogue catalogue, Extractions extractions,
    IOptions<SharingOptions> options, IOptions<AuthOptions> auth, PrincipalResolver principals)
{
    private string TimeZone => auth.Value.TimeZone;

    public DateOnly Today() => principals.Today();

    public async Task<IReadOnlyList<Transition>> TransitionsAsync(CancellationToken ct)
    {
        var list = new List<Transition>();
        await using var command = dataSource.CreateCommand("select from_state, action, to_state, side, description from special_sharing.transitions order by from_state, action, side");
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new Transition(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }
        return list;
    }

    /// <summary>Checks a filing; returns problems by field, or the new request.</summary>
    public async Task<(DataRequestDocument? Request, Dictionary<string, string[]> Errors)> FileAsync(NewDataRequest body, SharingCaller caller, CancellationToken ct)
    {
        var today = Today();
        var (scope, errors) = await rules.ValidateAsync(body.Scope, today, ct);
        void Fail(string field, string message) => errors[field] = [.. errors.GetValueOrDefault(field) ?? [], message];
        if (string.IsNullOrWhiteSpace(body.Purpose))
        {
            Fail("purpose", "State the purpose the data will serve (Law 91/2025: personal data only for a stated purpose).");
        }
        if (string.IsNullOrWhiteSpace(body.LegalBasis))
        {
            Fail("legalBasis", "Cite the legal basis: the document (law, decree, decision, official letter) that allows the request.");
        }
        var (delivery, format) = Delivery(body.Delivery, body.ExtractFormat, Fail);
        if (body.Contact is not { Name: { Length: > 0 } } contact || string.IsNullOrWhiteSpace(contact.Email) && string.IsNullOrWhiteSpace(contact.Phone))
        {
            Fail("contact", "Name a contact person with an e-mail address or a phone number.");
        }
        if (caller.Unit is null)
        {
            Fail("unit", "Only an account or client of a unit files requests.");
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var id = Guid.CreateVersion7();
        var datasets = scope!.Datasets.Select(d => d.Dataset).ToArray();
        await using var write = await WriteTransaction.BeginAsync(dataSource, caller.Actor, ct);
        await write.ExecuteAsync("""
            insert into special_sharing.requests (id, requester_unit, filed_by, state, datasets, scope, purpose, legal_basis, delivery, extract_format,
                                                  contact, decision_due_on)
            values ($1, $2, $3, 'submitted', $4, $5::jsonb, $6, $7, $8, $9, $10::jsonb, ref.add_working_days($11, $12))
            """, ct, id, caller.Unit, caller.Actor, datasets, scope.ToJson(), body.Purpose!.Trim(), body.LegalBasis!.Trim(), delivery,
            (object?)format ?? DBNull.Value, JsonSerializer.Serialize(body.Contact, SharingScope.Json), today, options.Value.DecisionWorkingDays);
        await InsertStepAsync(write, id, caller, SharingCaller.Requester, "file", null, "submitted", null, null, null, scope.ToJson(), null, ct);
        await EventAsync(write, "request.filed", id, null, caller.Unit!, datasets, null, "submitted", caller.Actor, new { delivery }, ct);
        await write.CommitAsync("data-request.filed", $"data-request:{id}", new { requesterUnit = caller.Unit, datasets, delivery, body.LegalBasis }, ct);
        return (await FindAsync(id, caller, withSteps: true, ct), errors);
    }

    private static (string Delivery, string? Format) Delivery(string? delivery, string? extractFormat, Action<string, string> fail)
    {
        var d = (delivery ?? "api").ToLowerInvariant();
        if (d is not ("api" or "extract"))
        {
            fail("delivery", $"Unknown delivery '{delivery}': api (read through the grant) or extract (a one-off file).");
        }
        string? format = null;
        if (d == "extract")
        {
            format = (extractFormat ?? ExtractionFormats.GeoJson.Name).ToLowerInvariant();
            if (ExtractionFormats.Find(format) is null)
            {
                fail("extractFormat", $"Unknown format '{extractFormat}'. Formats: {ExtractionFormats.Names}.");
            }
        }
        return (d, format);
    }

    /// <summary>Takes one step on a request's thread.</summary>
    public async Task<StepOutcome> StepAsync(Guid requestId, NewStep step, SharingCaller caller, CancellationToken ct)
    {
        var transitions = await TransitionsAsync(ct);
        var action = step.Action?.Trim().ToLowerInvariant() ?? "";
        var actions = transitions.Select(t => t.Action).Distinct().Order(StringComparer.Ordinal).ToList();

        await using var write = await WriteTransaction.BeginAsync(dataSource, caller.Actor, ct);
        var current = await LockAsync(write, requestId, caller, ct);
        if (current is null)
        {
            return new StepOutcome.NotFound();
        }
        if (!actions.Contains(action))
        {
            return new StepOutcome.Invalid(new() { ["action"] = [string.IsNullOrWhiteSpace(step.Action)
                ? $"Required: the action to take, one of {string.Join(", ", actions)}."
                : $"Unknown action '{step.Action}'. Actions: {string.Join(", ", actions)}."] });
        }
        var sides = caller.Sides(current.RequesterUnit, current.Datasets, current.FiledBy);
        var fromHere = transitions.Where(t => t.FromState == current.State).ToList();
        var mine = fromHere.Where(t => sides.Contains(t.Side)).Select(t => t.Action).Distinct().ToList();
        var candidates = fromHere.Where(t => t.Action == action).ToList();
        if (candidates.Count == 0)
        {
            return new StepOutcome.Conflict(current.State, mine,
                $"The request is {current.State}: '{action}' is not possible now. Allowed now{(mine.Count < fromHere.Select(t => t.Action).Distinct().Count() ? " for you" : "")}: {(mine.Count == 0 ? "nothing" : string.Join(", ", mine))}.");
        }
        if (candidates.FirstOrDefault(t => sides.Contains(t.Side)) is not { } transition)
        {
            return new StepOutcome.NotYourSide(current.State, mine,
                $"Only the {string.Join(" or the ", candidates.Select(t => t.Side).Distinct())} side may '{action}' a request; you may: {(mine.Count == 0 ? "nothing" : string.Join(", ", mine))}.");
        }

        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [.. errors.GetValueOrDefault(field) ?? [], message];
        var message = string.IsNullOrWhiteSpace(step.Message) ? null : step.Message.Trim();
        string? reasons = null, legalBasis = null;
        SharingScope? newScope = null, proposal = current.Proposal, stepScope = null;
        JsonObject? difference = null;
        var changes = new Dictionary<string, object?>();
        var today = Today();
        switch (action)
        {
            case "ask" or "answer" or "comment":
                if (message is null)
                {
                    Fail("message", $"'{action}' needs a message.");
                }
                break;
            case "refuse":
                reasons = Required(step.Reasons, "reasons", "A refusal states its reasons in writing (NĐ 194/2025).", Fail);
                legalBasis = Required(step.LegalBasis, "legalBasis", "A refusal cites its legal basis: the provision that allows or requires it (NĐ 194/2025).", Fail);
                break;
            case "revoke":
                reasons = Required(step.Reasons, "reasons", "A revocation states its reasons in writing.", Fail);
                legalBasis = string.IsNullOrWhiteSpace(step.LegalBasis) ? null : step.LegalBasis.Trim();
                break;
            case "counter-propose":
            {
                var (asked, problems) = await rules.ValidateAsync(step.Scope, today, ct);
                foreach (var (k, v) in problems)
                {
                    errors[k] = v;
                }
                if (asked is not null)
                {
                    var (narrowed, narrowing) = await rules.NarrowAsync(current.Scope, asked, ct);
                    foreach (var (k, v) in narrowing)
                    {
                        errors[k] = v;
                    }
                    if (narrowed is not null)
                    {
                        proposal = stepScope = narrowed;
                        difference = ScopeRules.Difference(current.Scope, narrowed);
                    }
                }
                break;
            }
            case "accept":
                stepScope = newScope = current.Proposal!;
                difference = ScopeRules.Difference(current.Scope, newScope);
                proposal = null;
                break;
            case "amend":
            {
                if (step.Scope is not null)
                {
                    var (amended, problems) = await rules.ValidateAsync(step.Scope, today, ct);
                    foreach (var (k, v) in problems)
                    {
                        errors[k] = v;
                    }
                    if (amended is not null)
                    {
                        newScope = stepScope = amended;
                        difference = ScopeRules.Difference(current.Scope, amended);
                    }
                }
                void Change(string name, string? before, string? after)
                {
                    if (after is not null && after != before)
                    {
                        changes[name] = after;
                        difference ??= new JsonObject();
                        difference[name] = new JsonObject { ["from"] = before, ["to"] = after };
                    }
                }
                Change("purpose", current.Purpose, string.IsNullOrWhiteSpace(step.Purpose) ? null : step.Purpose.Trim());
                Change("legal_basis", current.LegalBasis, string.IsNullOrWhiteSpace(step.LegalBasis) ? null : step.LegalBasis.Trim());
                if (step.Delivery is not null || step.ExtractFormat is not null)
                {
                    var (delivery, format) = Delivery(step.Delivery ?? current.Delivery, step.ExtractFormat ?? current.ExtractFormat, Fail);
                    Change("delivery", current.Delivery, delivery);
                    Change("extract_format", current.ExtractFormat, format);
                }
                if (step.Contact is { } contact)
                {
                    if (contact is not { Name: { Length: > 0 } } || string.IsNullOrWhiteSpace(contact.Email) && string.IsNullOrWhiteSpace(contact.Phone))
                    {
                        Fail("contact", "Name a contact person with an e-mail address or a phone number.");
                    }
                    Change("contact", JsonSerializer.Serialize(current.Contact, SharingScope.Json), JsonSerializer.Serialize(contact, SharingScope.Json));
                }
                if (errors.Count == 0 && difference is null)
                {
                    Fail("scope", "The amendment changes nothing: give a new scope, purpose, legal basis, delivery or contact.");
                }
                proposal = null; // an amendment answers a counter-proposal by declining it
                break;
            }
        }
        if (action is "approve" or "accept")
        {
            var agreed = newScope ?? current.Scope;
            if (agreed.ValidTo < today)
            {
                Fail("scope.validTo", $"The agreed period ended on {agreed.ValidTo:yyyy-MM-dd}; the requester must amend it first.");
            }
            if (step.RateLimitPerHour is < 1 or > 1_000_000)
            {
                Fail("rateLimitPerHour", "The rate limit is a number of requests per hour, from 1 to 1,000,000.");
            }
            if (action == "approve" && step.RateLimitPerHour is { } limit)
            {
                var before = agreed;
                agreed = agreed with { RateLimitPerHour = limit };
                difference = ScopeRules.Difference(before, agreed);
            }
            newScope = agreed with { RateLimitPerHour = agreed.RateLimitPerHour ?? options.Value.DefaultRateLimitPerHour };
            stepScope = newScope;
        }
        if (errors.Count > 0)
        {
            return new StepOutcome.Invalid(errors);
        }

        // The request row.
        var scope = newScope ?? current.Scope;
        var datasets = current.Datasets.Union(scope.Datasets.Select(d => d.Dataset)).Union(proposal?.Datasets.Select(d => d.Dataset) ?? []).ToArray();
        await write.ExecuteAsync($"""
            update special_sharing.requests
            set state = $2, scope = $3::jsonb, proposal = $4::jsonb, datasets = $5, updated_at = now(),
                decided_at = case when decided_at is null and not (select open from special_sharing.states where state = $2) then now() else decided_at end
                {string.Concat(changes.Keys.Select((k, i) => $", {k} = ${i + 6}{(k == "contact" ? "::jsonb" : "")}"))}
            where id = $1
            """, ct, [requestId, transition.ToState, scope.ToJson(), (object?)proposal?.ToJson() ?? DBNull.Value, datasets, .. changes.Values]);

        Guid? grantId = null;
        if (transition.ToState == "approved")
        {
            grantId = await GrantAsync(write, current, scope, caller, ct);
        }
        if (action == "revoke")
        {
            grantId = await write.ScalarAsync<Guid>("""
                update special_sharing.grants set revoked_at = now(), revoked_by = $2, revocation_reason = $3
                where request_id = $1 and revoked_at is null returning id
                """, ct, requestId, caller.Actor, reasons);
            await EventAsync(write, "grant.revoked", requestId, grantId, current.RequesterUnit, datasets, current.State, transition.ToState, caller.Actor, new { reasons }, ct);
        }

        var stepId = await InsertStepAsync(write, requestId, caller, transition.Side, action, current.State, transition.ToState, message, reasons, legalBasis,
            stepScope?.ToJson(), difference?.ToJsonString(), ct);
        await EventAsync(write, $"request.{action}", requestId, grantId, current.RequesterUnit, datasets, current.State, transition.ToState, caller.Actor,
            new { side = transition.Side, difference, reasons, legalBasis }, ct);
        await write.CommitAsync($"data-request.{action}", $"data-request:{requestId}",
            new { from = current.State, to = transition.ToState, side = transition.Side, difference, reasons, legalBasis, grantId }, ct);
        if (transition.ToState == "approved" && current.Delivery == "extract")
        {
            extractions.Wake(); // committed: the worker can see the grant's extracts now
        }
        var steps = await StepsAsync(requestId, ct);
        return new StepOutcome.Done(steps.Single(s => s.Id == stepId), grantId);
    }

    private static string? Required(string? value, string field, string message, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            fail(field, message);
            return null;
        }
        return value.Trim();
    }

    /// <summary>Creates the grant of an approved request: exactly the agreed scope; queues the extracts of a one-off delivery.</summary>
    private async Task<Guid> GrantAsync(WriteTransaction write, LockedRequest request, SharingScope scope, SharingCaller caller, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var datasets = scope.Datasets.Select(d => d.Dataset).ToArray();
        DateTimeOffset validFrom, validTo;
        await using (var insert = write.Command("""
            insert into special_sharing.grants (id, request_id, grantee_unit, datasets, scope, valid_from, valid_to, rate_limit_per_hour, delivery, granted_by)
            values ($1, $2, $3, $4, $5::jsonb, $6::date::timestamp at time zone $10, ($7::date + 1)::timestamp at time zone $10, $8, $9, $11)
            returning valid_from, valid_to
            """, id, request.Id, request.RequesterUnit, datasets, scope.ToJson(), scope.ValidFrom, scope.ValidTo, scope.RateLimitPerHour!.Value,
            request.Delivery, TimeZone, caller.Actor))
        await using (var reader = await insert.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (validFrom, validTo) = (reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<DateTimeOffset>(1));
        }
        if (request.Delivery == "extract")
        {
            foreach (var part in scope.Datasets)
            {
                var dataset = (await catalogue.FindAsync(part.Dataset, ct))!;
                await extractions.QueueForGrantAsync(write.Connection, write.Transaction, id, dataset, part.Fields, request.ExtractFormat ?? "geojson",
                    validFrom, options.Value.ExtractLifetime, ct);
            }
        }
        await EventAsync(write, "grant.created", request.Id, id, request.RequesterUnit, datasets, request.State, "approved", caller.Actor,
            new { validFrom, validTo, scope.RateLimitPerHour, request.Delivery }, ct);
        await AuditTrail.AppendAsync(write.Connection, write.Transaction, caller.Actor, "grant.created", $"grant:{id}",
            new { requestId = request.Id, granteeUnit = request.RequesterUnit, scope = JsonDocument.Parse(scope.ToJson()).RootElement, validFrom, validTo }, ct);
        return id;
    }

    private sealed record LockedRequest(
        Guid Id, string RequesterUnit, string FiledBy, string State, string[] Datasets, SharingScope Scope, SharingScope? Proposal, string Purpose,
        string LegalBasis, string Delivery, string? ExtractFormat, ContactPerson Contact);

    private static async Task<LockedRequest?> LockAsync(WriteTransaction write, Guid id, SharingCaller caller, CancellationToken ct)
    {
        await using var command = write.Command("""
            select id, requester_unit, filed_by, state, datasets, scope::text, proposal::text, purpose, legal_basis, delivery, extract_format, contact::text
            from special_sharing.requests where id = $1 for update
            """, id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        var request = new LockedRequest(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<string[]>(4),
            SharingScope.FromJson(reader.GetString(5)), reader.IsDBNull(6) ? null : SharingScope.FromJson(reader.GetString(6)),
            reader.GetString(7), reader.GetString(8), reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10),
            JsonSerializer.Deserialize<ContactPerson>(reader.GetString(11), SharingScope.Json)!);
        // Unseen is unknown: the same 404 as a request that does not exist.
        return caller.Sees(request.RequesterUnit, request.Datasets) ? request : null;
    }

    private static async Task<long> InsertStepAsync(WriteTransaction write, Guid requestId, SharingCaller caller, string side, string action,
        string? from, string to, string? message, string? reasons, string? legalBasis, string? scope, string? difference, CancellationToken ct)
    {
        await using var command = write.Command("""
            insert into special_sharing.steps (request_id, actor, actor_unit, side, action, from_state, to_state, message, reasons, legal_basis, scope, difference)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb) returning id
            """, requestId, caller.Actor, caller.Unit, side, action, from, to, message, reasons, legalBasis, scope, difference);
        foreach (var i in new[] { 2, 5, 7, 8, 9, 10, 11 })
        {
            command.Parameters[i].NpgsqlDbType = NpgsqlDbType.Text;
        }
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A state change as an event row for the outbox to route, in the change's own transaction.</summary>
    private static async Task EventAsync(WriteTransaction write, string kind, Guid requestId, Guid? grantId, string unit, string[] datasets,
        string? from, string to, string actor, object payload, CancellationToken ct)
    {
        await using var command = write.Command("""
            insert into special_sharing.events (kind, request_id, grant_id, requester_unit, datasets, from_state, to_state, actor, payload)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
            """, kind, requestId, grantId, unit, datasets, from, to, actor, JsonSerializer.Serialize(payload, SharingScope.Json));
        command.Parameters[2].NpgsqlDbType = NpgsqlDbType.Uuid;
        command.Parameters[5].NpgsqlDbType = NpgsqlDbType.Text;
        await command.ExecuteNonQueryAsync(ct);
    }

    private const string RequestColumns = """
        r.id, r.requester_unit, r.filed_by, r.filed_at, r.state, r.datasets, r.scope::text, r.proposal::text, r.purpose, r.legal_basis, r.delivery,
        r.extract_format, r.contact::text, r.decision_due_on, r.decided_at,
        case when r.decided_at is not null then ref.working_days_between((r.filed_at at time zone $1)::date, (r.decided_at at time zone $1)::date) end,
        r.decided_at is null and r.decision_due_on < $2,
        (select g.id from special_sharing.grants g where g.request_id = r.id)
        """;

    /// <summary>One request the caller sees, or null (not there, or not the caller's to see).</summary>
    public async Task<DataRequestDocument?> FindAsync(Guid id, SharingCaller caller, bool withSteps, CancellationToken ct)
    {
        var list = await QueryAsync(caller, await TransitionsAsync(ct), "r.id = $3", [id], 1, ct);
        if (list.Count == 0)
        {
            return null;
        }
        return withSteps ? list[0] with { Steps = await StepsAsync(id, ct) } : list[0];
    }

    /// <summary>
    /// The requests the caller sees, newest first, optionally in one state; with the negotiation's
    /// states (data, from its transitions), and no list when <paramref name="state"/> is not one.
    /// </summary>
    public async Task<(IReadOnlyList<DataRequestDocument>? List, IReadOnlyList<string> States)> ListAsync(SharingCaller caller, string? state, int limit, CancellationToken ct)
    {
        var transitions = await TransitionsAsync(ct);
        var states = transitions.SelectMany(t => new[] { t.FromState, t.ToState }).Distinct().Order(StringComparer.Ordinal).ToList();
        if (state is not null && !states.Contains(state))
        {
            return (null, states);
        }
        var list = state is null
            ? await QueryAsync(caller, transitions, "true", [], limit, ct)
            : await QueryAsync(caller, transitions, "r.state = $3", [state], limit, ct);
        return (list, states);
    }

    private async Task<IReadOnlyList<DataRequestDocument>> QueryAsync(SharingCaller caller, IReadOnlyList<Transition> transitions, string condition,
        object[] values, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand();
        command.Parameters.Add(new NpgsqlParameter { Value = TimeZone });
        command.Parameters.Add(new NpgsqlParameter { Value = Today() });
        command.AddValues(values);
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var limitParameter = command.Parameters.Count;
        var visible = caller.VisibleSql(command, "r", "requester_unit");
        command.CommandText = $"""
            select {RequestColumns} from special_sharing.requests r
            where {condition} and {visible}
            order by r.filed_at desc limit ${limitParameter}
            """;
        var list = new List<DataRequestDocument>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var unit = reader.GetString(1);
            var state = reader.GetString(4);
            var datasets = reader.GetFieldValue<string[]>(5);
            var sides = caller.Sides(unit, datasets, reader.GetString(2));
            list.Add(new DataRequestDocument(reader.GetGuid(0), unit, reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), state, datasets,
                SharingScope.FromJson(reader.GetString(6)), reader.IsDBNull(7) ? null : SharingScope.FromJson(reader.GetString(7)),
                reader.GetString(8), reader.GetString(9), reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11),
                JsonSerializer.Deserialize<ContactPerson>(reader.GetString(12), SharingScope.Json)!, reader.GetFieldValue<DateOnly>(13),
                reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14), reader.IsDBNull(15) ? null : reader.GetInt32(15),
                reader.GetBoolean(16), reader.IsDBNull(17) ? null : reader.GetGuid(17),
                transitions.Where(t => t.FromState == state && sides.Contains(t.Side)).Select(t => t.Action).Distinct().ToList(), null));
        }
        return list;
    }

    public async Task<IReadOnlyList<StepDocument>> StepsAsync(Guid requestId, CancellationToken ct)
    {
        var steps = new List<StepDocument>();
        await using var command = dataSource.CreateCommand("""
            select id, at, actor, actor_unit, side, action, from_state, to_state, message, reasons, legal_basis, scope::text, difference::text
            from special_sharing.steps where request_id = $1 order by id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = requestId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            steps.Add(new StepDocument(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), Text(3), reader.GetString(4),
                reader.GetString(5), Text(6), reader.GetString(7), Text(8), Text(9), Text(10),
                Text(11) is { } scope ? JsonDocument.Parse(scope).RootElement : null,
                Text(12) is { } difference ? JsonDocument.Parse(difference).RootElement : null));
        }
        return steps;
    }

    /// <summary>Open requests past their decision deadline (as at a day), oldest deadline first, among those the caller sees.</summary>
    public async Task<IReadOnlyList<OverdueRequest>> OverdueAsync(SharingCaller caller, DateOnly asOf, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand();
        command.Parameters.Add(new NpgsqlParameter { Value = asOf });
        var visible = caller.VisibleSql(command, "r", "requester_unit");
        command.CommandText = $"""
            select r.id, r.requester_unit, r.datasets, r.state, r.filed_at, r.decision_due_on, ref.working_days_between(r.decision_due_on, $1)
            from special_sharing.requests r
            where r.decided_at is null and r.decision_due_on < $1 and {visible}
            order by r.decision_due_on, r.filed_at
            """;
        var list = new List<OverdueRequest>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new OverdueRequest(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<string[]>(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateOnly>(5), reader.GetInt32(6)));
        }
        return list;
    }
}
