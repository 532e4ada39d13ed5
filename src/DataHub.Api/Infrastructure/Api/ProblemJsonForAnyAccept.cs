namespace DataHub.Api.Infrastructure.Api;

/// <summary>
/// Problems are JSON whatever the request accepts. ASP.NET's own writer writes only for a client
/// that accepts JSON (or anything), and with no writer left the problem details service threw:
/// an unknown path asked for with <c>Accept: text/html</c> or <c>application/xml</c> was a 500
/// with an empty body. This writer comes last: it asks again as a client accepting problem+json,
/// so that ASP.NET's writer and the hub's customisation (trace id, detail) apply as for any problem.
/// </summary>
public sealed class ProblemJsonForAnyAccept : IProblemDetailsWriter
{
    private const string Asked = "ProblemJsonForAnyAccept";

    public bool CanWrite(ProblemDetailsContext context) => !context.HttpContext.Items.ContainsKey(Asked);

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        http.Items[Asked] = true;
        http.Request.Headers.Accept = "application/problem+json";
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(context);
    }
}
