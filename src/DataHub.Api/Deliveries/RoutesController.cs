using Asp.Versioning;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace DataHub.Api.Deliveries;

/// <summary>
/// The routes: which dataset's changes (insert, update, delete or any) go to which partner. They
/// ship disabled; an administrator turns on those agreed with each partner. A route applies to
/// changes committed after it is on.
/// </summary>
[ApiController]
[ApiVersion(1.0)]
[Route("api/v{version:apiVersion}/deliveries/routes")]
[Tags("Deliveries")]
[Microsoft.AspNetCore.Authorization.Authorize(Policy = DataHub.Api.Infrastructure.Auth.Permissions.OperationsManage)]
public sealed class RoutesController(NpgsqlDataSource dataSource) : ControllerBase
{
    private const string Columns = "id, dataset_id, change, target, enabled";

    /// <summary>Every route, enabled or not.</summary>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpGet(Name = "ListDeliveryRoutes")]
    [ProducesResponseType<DeliveryRoutes>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> List(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from outbox.routes order by id");
        return Ok(new DeliveryRoutes(await ReadAsync(command, ct)));
    }

    /// <summary>Turns a route on or off.</summary>
    /// <param name="id">The route id.</param>
    /// <param name="change">The new state.</param>
    /// <param name="ct">Cancelled when the client goes away.</param>
    [HttpPatch("{id:int}", Name = "ChangeDeliveryRoute")]
    [Consumes("application/json")]
    [ProducesResponseType<DeliveryRoute>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Change(int id, [FromBody] RouteChange? change, CancellationToken ct)
    {
        if (change?.Enabled is not { } enabled)
        {
            return Problem(statusCode: 400, title: "Nothing to change", detail: "Send {\"enabled\": true} or {\"enabled\": false}.");
        }
        await using var command = dataSource.CreateCommand($"update outbox.routes set enabled = $2 where id = $1 returning {Columns}");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = enabled });
        if (await ReadAsync(command, ct) is [var route])
        {
            // A route decides what leaves for a partner: a configuration change, audited.
            await Audit.AuditTrail.AppendAsync(dataSource, Infrastructure.Auth.HubPrincipal.Actor(User), "delivery-route.changed", $"route:{id}", new { enabled }, ct);
            return Ok(route);
        }
        return Problem(statusCode: 404, title: "Unknown route", detail: $"There is no route {id}. The routes are listed at /api/v1/deliveries/routes.");
    }

    private static async Task<IReadOnlyList<DeliveryRoute>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var routes = new List<DeliveryRoute>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            routes.Add(new DeliveryRoute(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetBoolean(4)));
        }
        return routes;
    }
}

public sealed record DeliveryRoute(int Id, string Dataset, string Change, string Target, bool Enabled);

public sealed record DeliveryRoutes(IReadOnlyList<DeliveryRoute> Routes);

/// <summary>What an administrator changes on a route.</summary>
public sealed record RouteChange(bool? Enabled);
