namespace DataHub.Api.Accounts;

public static class AccountsSetup
{
    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PasswordPolicy>();
        builder.Services.AddSingleton<SignIns>();
        builder.Services.AddSingleton<ClientTokens>();
        builder.Services.AddSingleton<AccountReader>();
        return builder;
    }
}
