using DataHub.Api.Infrastructure.Settings;

namespace DataHub.Api.Infrastructure.Logging;

public static class LoggingSetup
{
    /// <summary>
    /// Structured logs: JSON lines (for a log shipper) unless DATAHUB_LOG_FORMAT=simple or the
    /// environment is Development; scopes carry the request's RequestId, TraceId and path.
    /// </summary>
    public static WebApplicationBuilder AddHubLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Services.AddSettingCheck("log format", (configuration, _) =>
            configuration["DATAHUB_LOG_FORMAT"] is { } set && !set.Equals("json", StringComparison.OrdinalIgnoreCase) && !set.Equals("simple", StringComparison.OrdinalIgnoreCase)
                ? [$"DATAHUB_LOG_FORMAT '{set}' is not a log format: use json or simple."] : []);
        var format = builder.Configuration["DATAHUB_LOG_FORMAT"] ?? (builder.Environment.IsDevelopment() ? "simple" : "json");
        if (format.Equals("simple", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.IncludeScopes = true;
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }
        else
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });
        }
        builder.Services.AddHttpLogging(o =>
        {
            o.LoggingFields = Microsoft.AspNetCore.HttpLogging.HttpLoggingFields.RequestMethod
                | Microsoft.AspNetCore.HttpLogging.HttpLoggingFields.RequestPath
                | Microsoft.AspNetCore.HttpLogging.HttpLoggingFields.ResponseStatusCode
                | Microsoft.AspNetCore.HttpLogging.HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });
        return builder;
    }

    public static WebApplication UseHubLogging(this WebApplication app)
    {
        app.UseHttpLogging();
        return app;
    }
}
