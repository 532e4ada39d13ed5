namespace DataHub.Api.Schemas;

public static class SchemasSetup
{
    /// <summary>The exchange structures (JSON Schemas) published at /api/v1/schemas.</summary>
    public static WebApplicationBuilder AddExchangeStructures(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(new ExchangeStructures(ExchangeStructures.DefaultFolder));
        return builder;
    }
}
