using System.ComponentModel.DataAnnotations;
using Asp.Versioning;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Tests.Foundation;

/// <summary>
/// Endpoints that exist only in the error-handling tests, to drive the hub's real pipeline into
/// each failure (binding, body size, media type, unhandled exception) before features own them.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/test-probe")]
[Microsoft.AspNetCore.Authorization.AllowAnonymous]
public sealed class ErrorProbeController : ControllerBase
{
    [HttpPost("echo")]
    [Consumes("application/json")]
    [RequestSizeLimit(256)]
    public ActionResult<ProbeBody> Echo(ProbeBody body) => body;

    [HttpGet("numbers/{n:int}")]
    public ActionResult<int> Number(int n, [FromQuery, Range(1, 10)] int times = 1) => n * times;

    [HttpGet("boom")]
    public ActionResult Boom() => throw new InvalidOperationException("secret internal detail");
}

public sealed record ProbeBody([Required, StringLength(10)] string Name, int Count);
