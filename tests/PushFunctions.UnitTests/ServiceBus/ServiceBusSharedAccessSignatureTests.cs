using Azure;
using Azure.Core.Pipeline;
using PushFunctions.Azure.ServiceBus;
using PushFunctions.UnitTests.Relay;

namespace PushFunctions.UnitTests.ServiceBus;

public sealed class ServiceBusSharedAccessSignatureTests
{
    private const string Key = "c2VjcmV0LWtleQ==";

    [Fact]
    public void A_token_signs_the_url_encoded_resource_and_expiry_with_the_key_text()
    {
        // Computed independently: HMAC-SHA256 keyed with the key's UTF-8 text over "url-encoded resource\nexpiry".
        const string Expected = "SharedAccessSignature sr=https%3A%2F%2Fcontoso.servicebus.windows.net%2F"
            + "&sig=8cw3iouAE2gbIuMap5VszY2g%2BKf6voM2WJQRf951vDc%3D&se=1700003600&skn=RootManageSharedAccessKey";

        var token = ServiceBusSharedAccessSignaturePolicy.CreateToken(
            "https://contoso.servicebus.windows.net/", "RootManageSharedAccessKey", Key, DateTimeOffset.FromUnixTimeSeconds(1_700_003_600));

        Assert.Equal(Expected, token);
    }

    [Fact]
    public void The_policy_reuses_a_token_for_most_of_its_hour_and_renews_it_before_it_expires()
    {
        var clock = new ManualTimeProvider();
        var policy = new ServiceBusSharedAccessSignaturePolicy(
            new AzureNamedKeyCredential("send", Key), new Uri("https://contoso.servicebus.windows.net/"), clock);

        var first = Authorize(policy);
        clock.Advance(TimeSpan.FromMinutes(50));
        var reused = Authorize(policy);
        clock.Advance(TimeSpan.FromMinutes(6));
        var renewed = Authorize(policy);

        Assert.Equal(first, reused);
        Assert.NotEqual(first, renewed);
        Assert.Contains($"se={(clock.GetUtcNow() + TimeSpan.FromHours(1)).ToUnixTimeSeconds()}", renewed, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, renewed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rotated_key_signs_the_next_token()
    {
        var clock = new ManualTimeProvider();
        var credential = new AzureNamedKeyCredential("send", Key);
        var policy = new ServiceBusSharedAccessSignaturePolicy(credential, new Uri("https://contoso.servicebus.windows.net/"), clock);
        var before = Authorize(policy);

        credential.Update("send", "bmV3LWtleQ==");
        clock.Advance(TimeSpan.FromMinutes(56));
        var after = Authorize(policy);

        var expiry = (clock.GetUtcNow() + TimeSpan.FromHours(1)).ToUnixTimeSeconds();
        Assert.NotEqual(before, after);
        Assert.Equal(
            ServiceBusSharedAccessSignaturePolicy.CreateToken("https://contoso.servicebus.windows.net/", "send", "bmV3LWtleQ==", DateTimeOffset.FromUnixTimeSeconds(expiry)),
            after);
    }

    private static string Authorize(ServiceBusSharedAccessSignaturePolicy policy)
    {
        using var message = HttpPipelineBuilder.Build(new ServiceBusClientOptions()).CreateMessage();
        policy.OnSendingRequest(message);
        Assert.True(message.Request.Headers.TryGetValue("Authorization", out var authorization));
        return authorization!;
    }
}
