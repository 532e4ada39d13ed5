using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace DataHub.Api.Dossiers;

/// <summary>The dossiers.* rows as the API reads them, with the deadline computed in SQL (dossiers.due_on).</summary>
public static class DossierStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Procedure(string Code, string NameVi, int DeadlineDays, string Workflow, string ChangeKind, string FormVersion);

    /// <summary>A stored dossier, before it is shaped for a caller.</summary>
    public sealed record Row(Guid Id, string Sender, string DossierNumber, string BodySha256, string ProcedureCode, string ProcedureName,
        string State, string StateLabel, bool Final, string Channel, DateTimeOffset ReceivedAt, DateOnly ReceivedOn, int DeadlineDays,
        DateOnly DueOn, int StoppedWorkingDays, DateOnly? PromisedOn, DateOnly? FinishedOn, string CommuneCode, string? UnitCode,
        string FormVersion, JsonNode? Form, JsonElement? Result, string Workflow, string ChangeKind,
        IReadOnlyList<DossierParcel> Parcels, IReadOnlyList<string> Certificates,
        IReadOnlyList<DocumentRow> Documents, IReadOnlyList<AllowedAction> Transitions, IReadOnlyList<ApologyView> Apologies, bool SentToTax)
    {
        /// <summary>Late: past the due date and not finished, or finished after it.</summary>
        public bool OverdueOn(DateOnly today) => FinishedOn is { } done ? done > DueOn : today > DueOn;
    }

    public sealed record DocumentRow(Guid Id, string Name, string? Title, string MediaType, long SizeBytes, string Sha256);

    public static async Task<Procedure?> ProcedureAsync(NpgsqlConnection c, NpgsqlTransaction? t, string code, DateOnly on, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            select code, name_vi, deadline_days, workflow, change_kind, form_version from dossiers.procedures
            where code = $1 and valid_from <= $2 and (valid_to is null or $2 < valid_to)
            """, c, t);
        command.Parameters.Add(new() { Value = code });
        command.Parameters.Add(new() { Value = on });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new Procedure(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4), reader.GetString(5))
            : null;
    }

    private const string Select = """
        select d.id, d.sender, d.sender_number, d.body_sha256, d.procedure_code, coalesce(p.name_vi, d.procedure_code),
               d.state, s.label_en, s.final, d.channel, d.received_at, d.received_on, d.deadline_days,
               dossiers.due_on(d.id, $1) as due_on, dossiers.stopped_working_days(d.id, $1),
               (select max(a.new_return_on) from dossiers.apologies a where a.dossier_id = d.id),
               case when s.final then (select (max(st.at) at time zone 'Asia/Ho_Chi_Minh')::date from dossiers.steps st where st.dossier_id = d.id) end as finished_on,
               d.commune_code, d.unit_code, d.form_version, d.form::text, d.result::text, coalesce(p.workflow, ''), coalesce(p.change_kind, 'none'),
               (select coalesce(jsonb_agg(jsonb_build_object('communeCode', x.commune_code, 'mapSheet', x.map_sheet, 'parcelNo', x.parcel_no, 'parcelId', x.parcel_id)
                                          order by x.commune_code, x.map_sheet, x.parcel_no), '[]') from dossiers.parcels x where x.dossier_id = d.id)::text,
               (select coalesce(jsonb_agg(x.serial order by x.serial), '[]') from dossiers.certificates x where x.dossier_id = d.id)::text,
               (select coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'name', x.name, 'title', x.title, 'mediaType', x.media_type,
                                          'sizeBytes', x.size_bytes, 'sha256', x.sha256) order by x.name, x.id), '[]') from dossiers.documents x where x.dossier_id = d.id)::text,
               (select coalesce(jsonb_agg(jsonb_build_object('action', t.action, 'to', t.to_state, 'permission', t.permission) order by t.action), '[]')
                from dossiers.transitions t where t.workflow = p.workflow and t.from_state = d.state)::text,
               (select coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'reason', a.reason, 'dueOn', a.due_on, 'newReturnOn', a.new_return_on,
                                          'issuedBy', a.issued_by, 'issuedAt', a.issued_at) order by a.id), '[]') from dossiers.apologies a where a.dossier_id = d.id)::text,
               exists (select 1 from dossiers.steps st where st.dossier_id = d.id and st.action = 'send-to-tax') as sent_to_tax
        from dossiers.dossiers d
        join dossiers.states s on s.state = d.state
        left join dossiers.procedures p on p.code = d.procedure_code and p.valid_from <= d.received_on and (p.valid_to is null or d.received_on < p.valid_to)
        """;

    public static async Task<Row?> FindAsync(NpgsqlConnection c, NpgsqlTransaction? t, Guid id, DateOnly today, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Select + " where d.id = $2", c, t);
        command.Parameters.Add(new() { Value = today });
        command.Parameters.Add(new() { Value = id });
        return (await ReadAsync(command, ct)).SingleOrDefault();
    }

    public static async Task<Row?> FindBySenderAsync(NpgsqlConnection c, NpgsqlTransaction? t, string sender, string number, DateOnly today, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Select + " where d.sender = $2 and d.sender_number = $3", c, t);
        command.Parameters.Add(new() { Value = today });
        command.Parameters.Add(new() { Value = sender });
        command.Parameters.Add(new() { Value = number });
        return (await ReadAsync(command, ct)).SingleOrDefault();
    }

    /// <summary>The filters of the dossier list; null means any.</summary>
    public sealed record ListFilter(string? State, string? Procedure, string? Commune, string? Unit, long? ParcelId, bool? Overdue,
        DateOnly? DueBefore, int Limit, int Offset, DossierAudience Audience);

    public static async Task<IReadOnlyList<Row>> ListAsync(NpgsqlConnection c, ListFilter f, DateOnly today, CancellationToken ct)
    {
        // Overdue is computed (the deadline moves with the stopped clock), so it filters the computed rows.
        await using var command = new NpgsqlCommand($"""
            select * from ({Select}
              where ($2::text is null or d.state = $2) and ($3::text is null or d.procedure_code = $3)
                and ($4::text is null or d.commune_code = $4) and ($5::text is null or d.unit_code = $5)
                and ($6::bigint is null or exists (select 1 from dossiers.parcels x where x.dossier_id = d.id and x.parcel_id = $6))
            ) r
            where (($11 and r.sender = $12) or ($13 and r.unit_code = $14) or ($15 and r.sent_to_tax))
              and ($7::date is null or r.due_on < $7)
              and ($8::boolean is null or $8 = (case when r.final then coalesce(r.finished_on > r.due_on, false) else $1 > r.due_on end))
            order by r.received_at, r.id
            limit $9 offset $10
            """, c);
        command.Parameters.Add(new() { Value = today });
        command.Parameters.Add(new() { Value = (object?)f.State ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)f.Procedure ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)f.Commune ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)f.Unit ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)f.ParcelId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = (object?)f.DueBefore ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new() { Value = (object?)f.Overdue ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Boolean });
        command.Parameters.Add(new() { Value = f.Limit });
        command.Parameters.Add(new() { Value = f.Offset });
        command.Parameters.Add(new() { Value = f.Audience.Intake });
        command.Parameters.Add(new() { Value = f.Audience.Actor });
        command.Parameters.Add(new() { Value = f.Audience.Process });
        command.Parameters.Add(new() { Value = (object?)f.Audience.Unit ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = f.Audience.Tax });
        return await ReadAsync(command, ct);
    }

    private static async Task<List<Row>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var rows = new List<Row>();
        await using var r = await command.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            DateOnly? Date(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
            T List<T>(int i) => JsonSerializer.Deserialize<T>(r.GetString(i), Json)!;
            rows.Add(new Row(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.GetString(6), r.GetString(7), r.GetBoolean(8), r.GetString(9), r.GetFieldValue<DateTimeOffset>(10), r.GetFieldValue<DateOnly>(11),
                r.GetInt32(12), r.GetFieldValue<DateOnly>(13), r.GetInt32(14), Date(15), Date(16), r.GetString(17),
                r.IsDBNull(18) ? null : r.GetString(18), r.GetString(19), JsonNode.Parse(r.GetString(20)),
                r.IsDBNull(21) ? null : JsonDocument.Parse(r.GetString(21)).RootElement.Clone(), r.GetString(22), r.GetString(23),
                List<List<DossierParcel>>(24), List<List<string>>(25), List<List<DocumentRow>>(26), List<List<AllowedAction>>(27),
                List<List<ApologyView>>(28), r.GetBoolean(29)));
        }
        return rows;
    }
}
