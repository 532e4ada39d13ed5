using Asp.Versioning;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.Collections;

/// <summary>The OGC API conformance classes this hub implements.</summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/conformance")]
[Tags("Collections (OGC API - Features)")]
public sealed class ConformanceController : ControllerBase
{
    public static readonly IReadOnlyList<string> Classes =
    [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    ];

    /// <summary>The conformance declaration.</summary>
    [HttpGet(Name = "GetConformance")]
    [Produces("application/json")]
    [ProducesResponseType<ConformanceDocument>(StatusCodes.Status200OK)]
    public ConformanceDocument Get() => new(Classes);
}

public sealed record ConformanceDocument(IReadOnlyList<string> ConformsTo);
