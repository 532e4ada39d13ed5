using DataHub.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace DataHub.Tests.Accounts;

/// <summary>
/// A signing key the hub cannot read stops it at start with the reason. Found only at the first
/// request, it made every request, health checks included, a 500.
/// </summary>
public sealed class SigningKeyTests
{
    private sealed class HubWithKey(string key) : HubFixture
    {
        protected override bool WithOperator => false;

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Auth:SigningKey", key)];
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQga2V5")] // "short key": 9 bytes
    public async Task a_signing_key_that_is_not_base64_of_32_bytes_stops_the_hub_at_start_with_the_reason(string key)
    {
        var hub = new HubWithKey(key);
        try
        {
            var failure = await Assert.ThrowsAsync<OptionsValidationException>(((IAsyncLifetime)hub).InitializeAsync);
            Assert.Equal("Auth:SigningKey must be base64 of at least 32 bytes (for example: head -c 32 /dev/urandom | base64).", failure.Message);
        }
        finally
        {
            await ((IAsyncLifetime)hub).DisposeAsync();
        }
    }
}
