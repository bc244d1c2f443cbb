using Microsoft.Azure.Amqp;
using PushFunctions.Testing.ServiceBus;

namespace PushFunctions.IntegrationTests.ServiceBus;

/// <summary>Hands AmqpCbsLink a shared access signature of the local namespace, as the SDK's CbsTokenProvider does with a key.</summary>
internal sealed class SasCbsTokenProvider(LocalServiceBus bus) : ICbsTokenProvider
{
    public Task<CbsToken> GetTokenAsync(Uri namespaceAddress, string appliesTo, string[] requiredClaims)
    {
        var expiresOn = DateTimeOffset.UtcNow.AddHours(1);
        return Task.FromResult(new CbsToken(bus.CreateSasToken(expiresOn), CbsConstants.ServiceBusSasTokenType, expiresOn.UtcDateTime));
    }
}
