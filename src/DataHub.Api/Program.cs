using DataHub.Api.Accounts;
using DataHub.Api.Backups;
using DataHub.Api.Collections;
using DataHub.Api.DataRequests;
using DataHub.Api.Dossiers;
using DataHub.Api.Extraction;
using DataHub.Api.Deliveries;
using DataHub.Api.Infrastructure.Api;
using DataHub.Api.Infrastructure.Auth;
using DataHub.Api.Infrastructure.Cli;
using DataHub.Api.Infrastructure.Database;
using DataHub.Api.Infrastructure.Health;
using DataHub.Api.Infrastructure.Html;
using DataHub.Api.Infrastructure.Logging;
using DataHub.Api.Infrastructure.OpenApi;
using DataHub.Api.Reports;
using DataHub.Api.Infrastructure.Scheduling;
using DataHub.Api.Submissions;
using DataHub.Api.Schemas;

// The executable's verbs (serve is the default); each builds the hub below when it needs it.
return await HubCommandLine.Create(Program.BuildHub).Parse(args).InvokeAsync(HubCommandLine.Invocation);

public partial class Program
{
    /// <summary>The hub as a table of contents: each area adds its services and maps its endpoints.</summary>
    public static WebApplication BuildHub(string[] args)
    {
        // Settings files sit beside the binary, whatever folder the hub is started from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddHubLogging();
        builder.AddDatabase();
        builder.AddHubApi();
        builder.AddReverseProxySupport();
        builder.AddHubAuth();
        builder.AddApiDocs();
        builder.AddHealth();
        builder.AddCollections();
        builder.AddSubmissions();
        builder.AddExchangeStructures();
        builder.AddAccounts();
        builder.AddReports();
        builder.AddExtractions();
        builder.AddSpecialSharing();
        builder.AddScheduling();
        builder.AddBackups();
        builder.AddDeliveries();
        builder.AddDossiers();

        var app = builder.Build();
        app.UseReverseProxySupport();
        app.UseHubErrors();
        app.UseHubLogging();
        app.UseCollections();
        app.UseHtml();
        app.UseHubAuth();
        app.UseNulRefusal();
        app.MapApiDocs();
        app.MapHealth();
        app.MapControllers();
        return app;
    }
}
