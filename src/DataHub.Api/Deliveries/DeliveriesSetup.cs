using DataHub.Clients;

namespace DataHub.Api.Deliveries;

public static class DeliveriesSetup
{
    /// <summary>The partner pushes: typed clients, the outbox's drain, reconciliation and clean-up, and /api/v1/deliveries.</summary>
    public static WebApplicationBuilder AddDeliveries(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<DeliveryOptions>(builder.Configuration.GetSection("Deliveries"));
        services.AddPartnerClient<IMinistryRecordsApi>(builder.Configuration, "ministry", "Partners:Ministry");
        services.AddPartnerClient<IIocEventsApi>(builder.Configuration, "ioc", "Partners:Ioc");
        services.AddSingleton<IPartnerSender, MinistrySender>();
        services.AddSingleton<IPartnerSender, IocSender>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<OutboxRecords>();
        services.AddSingleton<OutboxDrain>();
        services.AddSingleton<DeliveryQueries>();
        services.AddSingleton<DeliveryMetrics>();
        services.AddSingleton<MinistryReconciliation>();
        services.AddSingleton<OutboxCleanup>();
        services.AddHostedService<DeliveryWorker>();
        services.AddDeliveryJobs(builder.Configuration);
        return builder;
    }
}
