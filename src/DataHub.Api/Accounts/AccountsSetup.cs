using DataHub.Api.Infrastructure.Scheduling;

namespace DataHub.Api.Accounts;

public static class AccountsSetup
{
    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PasswordPolicy>();
        builder.Services.AddSingleton<SignIns>();
        builder.Services.AddSingleton<ClientTokens>();
        builder.Services.AddSingleton<AccountReader>();
        builder.Services.AddHubJob<DeparturesJob>(DeparturesJob.Name, "Removes the rights of people whose departure takes effect today (roles removed or account revoked)",
            sp => HubSchedules.DailySetting(sp.GetRequiredService<IConfiguration>(), "Accounts:DeparturesAt", "00:05"));
        return builder;
    }
}
