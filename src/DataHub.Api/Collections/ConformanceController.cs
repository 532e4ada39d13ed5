using Microsoft.AspNetCore.Authorization;
using Asp.Versioning;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.Collections;

/// <summary>The OGC API conformance classes this hub implements.</summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/conformance")]
[Tags("Collections (OGC API - Features)")]
[AllowAnonymous]
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
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
        "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    ];

    /// <summary>The conformance declaration.</summary>
    [HttpGet(Name = "GetConformance")]
    [Produces("application/json")]
    [ProducesResponseType<ConformanceDocument>(StatusCodes.Status200OK)]
    public ConformanceDocument Get() => new(Classes);
}

public sealed record ConformanceDocument(IReadOnlyList<string> ConformsTo);
