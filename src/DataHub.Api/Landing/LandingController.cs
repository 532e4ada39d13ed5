using Microsoft.AspNetCore.Authorization;
using Asp.Versioning;
using DataHub.Api.Infrastructure.Html;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Api.Landing;

/// <summary>The API's entry point: what the hub is and where its parts are.</summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}")]
[AllowAnonymous]
public sealed class LandingController : ControllerBase
{
    /// <summary>Landing page (OGC API - Features): links to the collections, the conformance declaration and the API description.</summary>
    [HttpGet(Name = "GetLanding")]
    [ProducesResponseType<LandingPage>(StatusCodes.Status200OK, "application/json", "text/html")]
    public ActionResult<LandingPage> Get()
    {
        var version = $"v{RouteData.Values["version"]}";
        var root = $"{Request.Scheme}://{Request.Host}{Request.PathBase}";
        var self = $"{root}/api/{version}";
        // The OGC API - Features landing page: its clients (QGIS, GDAL) find everything from here.
        var landing = new LandingPage(
            "DataHub",
            "Land data sharing hub: default-shared land datasets, submissions and special-request sharing.",
            [
                new Link(self, "self", "application/json", "This document"),
                new Link($"{self}?f=html", "alternate", "text/html", "This document as HTML"),
                new Link($"{root}/openapi/{version}.json", "service-desc", "application/vnd.oai.openapi+json;version=3.0", "The API definition"),
                new Link($"{root}/docs", "service-doc", "text/html", "The API documentation"),
                new Link($"{self}/conformance", "conformance", "application/json", "Conformance classes"),
                new Link($"{self}/collections", "data", "application/json", "Collections (default-shared datasets)"),
            ]);
        return Request.WantsHtml() ? HtmlPages.Landing(Request, landing) : landing;
    }
}

public sealed record LandingPage(string Title, string Description, IReadOnlyList<Link> Links);

public sealed record Link(string Href, string Rel, string Type, string Title);
