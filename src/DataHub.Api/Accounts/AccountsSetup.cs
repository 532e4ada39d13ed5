using DataHub.Api.Infrastructure.Scheduling;
using DataHub.Api.Infrastructure.Settings;
using Microsoft.Extensions.Options;

namespace DataHub.Api.Accounts;

public static class AccountsSetup
{
    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckedSettings<AccountSettings>("Accounts");
        builder.Services.AddSingleton<PasswordPolicy>();
        builder.Services.AddSingleton<SignIns>();
        builder.Services.AddSingleton<ClientTokens>();
        builder.Services.AddSingleton<AccountReader>();
        builder.Services.AddHubJob<DeparturesJob>(DeparturesJob.Name, "Removes the rights of people whose departure takes effect today (roles removed or account revoked)",
            sp => HubSchedules.DailySetting(sp.GetRequiredService<IOptions<AccountSettings>>().Value.DeparturesAt));
        return builder;
    }
}
