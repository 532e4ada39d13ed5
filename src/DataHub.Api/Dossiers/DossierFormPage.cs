using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataHub.Api.Infrastructure.Html;

namespace DataHub.Api.Dossiers;

/// <summary>
/// The electronic form as a printable page, laid out from the form's JSON Schema: each property
/// a labelled row (its schema title), objects as groups, arrays as numbered groups. Personal
/// fields (x-personal) are shown only when the caller may read personal data.
/// </summary>
public static class DossierFormPage
{
    public static HtmlResult Render(HttpRequest request, DossierForms forms, DossierStore.Row d, bool personal)
    {
        var schema = forms.Find(d.ProcedureCode, d.FormVersion);
        var html = new HtmlBuilder();
        html.Append($"""
            <article class="dossier-form" id="dossier-form" data-state="{d.State}">
            <header class="form-head">
            <p class="nation">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc</p>
            <h1>{schema?.Title ?? d.ProcedureName}</h1>
            <dl class="form-meta">
            <dt>Thủ tục / Procedure</dt><dd id="procedure">{d.ProcedureCode} · {d.ProcedureName}</dd>
            <dt>Số hồ sơ / Dossier number</dt><dd id="dossier-number">{d.DossierNumber}</dd>
            <dt>Ngày nhận / Received</dt><dd id="received-on">{d.ReceivedOn.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)}</dd>
            <dt>Ngày hẹn trả / Due</dt><dd id="due-on">{(d.PromisedOn ?? d.DueOn).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)}</dd>
            <dt>Trạng thái / State</dt><dd id="state">{d.StateLabel}</dd>
            </dl>
            </header>
            <table class="form-fields" id="form">
            <tbody>

            """);
        if (schema is not null && d.Form is not null)
        {
            Rows(html, schema, schema.Root, d.Form, "", 0, personal);
        }
        html.Append($"""
            </tbody>
            </table>
            <footer class="form-foot"><p>In từ DataHub / Printed from DataHub. Các trường đánh dấu (*) là dữ liệu cá nhân / Fields marked (*) are personal data.</p></footer>
            </article>
            """);
        var self = $"{request.PathBase}/api/v1/dossiers/{d.Id}";
        return HtmlLayout.Page(request, $"Dossier {d.DossierNumber}", [new Crumb("DataHub", $"{request.PathBase}/api/v1?f=html"), new Crumb($"Dossier {d.DossierNumber}")],
            self, html.ToHtml());
    }

    private static void Rows(HtmlBuilder html, FormSchema schema, JsonElement property, JsonNode? value, string pointer, int depth, bool personal)
    {
        property = schema.Resolve(property);
        if (property.TryGetProperty("properties", out var properties) && value is JsonObject obj)
        {
            foreach (var p in properties.EnumerateObject())
            {
                var child = schema.Resolve(p.Value);
                var label = child.TryGetProperty("title", out var t) ? t.GetString() ?? p.Name : p.Name;
                var at = $"{pointer}/{p.Name}";
                var isGroup = child.TryGetProperty("properties", out _) || child.TryGetProperty("items", out _);
                if (FormSchema.IsPersonal(child))
                {
                    html.Append($"""<tr class="personal depth-{depth}" data-pointer="{at}"><th scope="row">{label} (*)</th><td>{(personal ? Text(obj[p.Name], child) : "— dữ liệu cá nhân, không hiển thị / personal data, withheld —")}</td></tr>""");
                }
                else if (isGroup)
                {
                    html.Append($"""<tr class="group depth-{depth}" data-pointer="{at}"><th scope="rowgroup" colspan="2">{label}</th></tr>""");
                    Rows(html, schema, child, obj[p.Name], at, depth + 1, personal);
                }
                else
                {
                    html.Append($"""<tr class="depth-{depth}" data-pointer="{at}"><th scope="row">{label}</th><td>{Text(obj[p.Name], child)}</td></tr>""");
                }
                html.Append($"\n");
            }
        }
        else if (property.TryGetProperty("items", out var items) && value is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                html.Append($"""<tr class="group depth-{depth}" data-pointer="{pointer}/{i}"><th scope="rowgroup" colspan="2">{(i + 1).ToString(CultureInfo.InvariantCulture)}.</th></tr>""");
                Rows(html, schema, items, array[i], $"{pointer}/{i}", depth + 1, personal);
            }
        }
    }

    // An enum value shows its label (x-labels) when the schema gives one.
    private static string Text(JsonNode? value, JsonElement property)
    {
        if (value is null)
        {
            return "";
        }
        var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        return property.TryGetProperty("x-labels", out var labels) && labels.TryGetProperty(text, out var label) ? label.GetString() ?? text : text;
    }

    /// <summary>Only the form's personal fields, by pointer: what the applicant endpoint adds to the applicant.</summary>
    public static JsonObject? PersonalFields(DossierForms forms, DossierStore.Row d)
    {
        if (forms.Find(d.ProcedureCode, d.FormVersion) is not { } schema || d.Form is null)
        {
            return null;
        }
        var (_, withheld) = schema.Withhold(d.Form);
        var fields = new JsonObject();
        foreach (var pointer in withheld)
        {
            JsonNode? node = d.Form;
            foreach (var part in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                node = node is JsonArray a ? a[int.Parse(part, CultureInfo.InvariantCulture)] : node?[part];
            }
            fields[pointer] = node?.DeepClone();
        }
        return fields;
    }
}
