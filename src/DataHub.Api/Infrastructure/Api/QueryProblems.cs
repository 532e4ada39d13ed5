using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace DataHub.Api.Infrastructure.Api;

public static class QueryProblems
{
    /// <summary>
    /// A 400 listing every problem of a request by parameter (ValidationProblemDetails, so it
    /// carries the trace id like every other problem), with all messages in the detail too.
    /// </summary>
    public static ActionResult Invalid(this ControllerBase controller, IReadOnlyDictionary<string, string[]> errors, string title = "The query is not valid")
    {
        var state = new ModelStateDictionary();
        foreach (var (parameter, messages) in errors)
        {
            foreach (var message in messages)
            {
                state.AddModelError(parameter, message);
            }
        }
        return controller.ValidationProblem(
            detail: string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
            title: title, modelStateDictionary: state);
    }

    public static ActionResult Invalid(this ControllerBase controller, string parameter, string message) =>
        controller.Invalid(new Dictionary<string, string[]> { [parameter] = [message] });
}
