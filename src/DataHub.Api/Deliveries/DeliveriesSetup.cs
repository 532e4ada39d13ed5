using DataHub.Api.Infrastructure.Settings;
using DataHub.Clients;

namespace DataHub.Api.Deliveries;

public static class DeliveriesSetup
{
    /// <summary>The partner pushes: typed clients, the outbox's drain, reconciliation and clean-up, and /api/v1/deliveries.</summary>
    public static WebApplicationBuilder AddDeliveries(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCheckedSettings<DeliveryOptions>("Deliveries");
        services.AddPartnerClient<IMinistryRecordsApi>("ministry", "Partners:Ministry");
        services.AddPartnerClient<IIocEventsApi>("ioc", "Partners:Ioc");
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
        services.AddDeliveryJobs();
        return builder;
    }
}
