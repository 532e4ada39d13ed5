using DataHub.Api.Collections;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.Dossiers;

/// <summary>Shapes stored dossiers for callers and writes the dossier problems, shared by the dossier controllers.</summary>
public static class DossierViews
{
    public static DossierView View(HttpRequest request, DossierStore.Row d, DossierForms forms, DateOnly today)
    {
        var self = $"{OgcLinks.Base(request)}/api/v1/dossiers/{d.Id}";
        var (form, withheld) = forms.Find(d.ProcedureCode, d.FormVersion) is { } schema ? schema.Withhold(d.Form) : (d.Form, []);
        return new DossierView(d.Id, d.DossierNumber, d.ProcedureCode, d.ProcedureName, d.State, d.StateLabel, d.Channel, d.ReceivedAt,
            d.ReceivedOn, d.DeadlineDays, d.DueOn, d.StoppedWorkingDays, d.OverdueOn(today), d.PromisedOn, d.CommuneCode, d.UnitCode,
            d.FormVersion, d.Parcels, d.Certificates, form, withheld,
            [.. d.Documents.Select(x => new DocumentInfo(x.Id, x.Name, x.Title, x.MediaType, x.SizeBytes, x.Sha256, $"{self}/documents/{x.Id}"))],
            d.Transitions, d.Apologies, d.Result,
            [new OgcLink(self, "self", "application/json", "This dossier"),
             new OgcLink($"{self}/form", "alternate", "text/html", "The electronic form, printable"),
             new OgcLink($"{self}/steps", "history", "application/json", "Steps taken"),
             new OgcLink($"{OgcLinks.Base(request)}/api/v1/dossier-procedures/{d.ProcedureCode}/forms/{d.FormVersion}", "describedby", "application/schema+json", "The form's schema")]);
    }

    public static DossierSummary Summary(DossierStore.Row d, DateOnly today) =>
        new(d.Id, d.DossierNumber, d.ProcedureCode, d.State, d.CommuneCode, d.ReceivedOn, d.DueOn, d.OverdueOn(today), d.PromisedOn);

    public static ObjectResult Invalid(ControllerBase controller, IReadOnlyList<FieldProblem> problems, string title)
    {
        var result = controller.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: title,
            detail: string.Join(" ", problems.Select(p => $"{p.Location}: {p.Message}")));
        ((ProblemDetails)result.Value!).Extensions["problems"] = problems;
        return result;
    }

    public static ObjectResult NotFound(ControllerBase controller, Guid id) =>
        controller.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown dossier", detail: $"There is no dossier {id}.");
}
