using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace DataHub.Api.Infrastructure.Api;

/// <summary>
/// A query parameter the operation does not take is a 400 naming it and the ones it takes,
/// beside any other problem of the request: a misspelt <c>?limt=5</c> or <c>?stat=granted</c>
/// used to be ignored silently, and the answer read as if it had been applied. Operations that
/// read their query themselves (the OGC items with their property filters, the reports, the
/// change feed, the deliveries list) say so with <see cref="ChecksOwnQueryAttribute"/> and refuse
/// unknown parameters in their own words.
/// </summary>
public sealed class KnownQueryParameters : IActionFilter, IOrderedFilter
{
    /// <summary>
    /// Before MVC's own check of the model state (ModelStateInvalidFilter, -2000), so that its one
    /// 400 lists the unknown parameters with the values that did not bind.
    /// </summary>
    public int Order => -3000;

    /// <summary>Any operation may be asked for its HTML page or another format (HtmlNegotiation reads it).</summary>
    private static readonly string[] Always = ["f"];

    public void OnActionExecuting(ActionExecutingContext context)
    {
        if (context.ActionDescriptor.EndpointMetadata.OfType<ChecksOwnQueryAttribute>().Any())
        {
            return;
        }
        var known = context.ActionDescriptor.Parameters
            .Where(p => p.BindingInfo?.BindingSource == BindingSource.Query)
            .Select(p => p.BindingInfo!.BinderModelName ?? p.Name)
            .Concat(Always)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var takes = known.Except(Always).Order(StringComparer.Ordinal).ToList();
        foreach (var name in context.HttpContext.Request.Query.Keys.Where(k => !known.Contains(k)))
        {
            context.ModelState.AddModelError(name, takes.Count == 0
                ? $"Unknown parameter '{name}': this operation takes no query parameters."
                : $"Unknown parameter '{name}'. Parameters: {string.Join(", ", takes)}.");
        }
    }

    public void OnActionExecuted(ActionExecutedContext context)
    {
    }
}

/// <summary>The operation reads and checks its query itself (see <see cref="KnownQueryParameters"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChecksOwnQueryAttribute : Attribute;
