using System.Security.Cryptography;
using System.Text;
using PushFunctions.Azure.NotificationHubs;
using PushFunctions.UnitTests.Relay;

namespace PushFunctions.UnitTests.NotificationHubs;

public sealed class SharedAccessSignatureTests
{
    private const string Key = "c2VjcmV0LWtleS1mb3ItdGhlLXRlc3QtdmVjdG9yLTAxMjM0NTY3ODk=";

    [Fact]
    public void The_token_signs_the_lower_cased_encoded_hub_uri_and_expiry_with_the_keys_utf8_bytes()
    {
        var expiresOn = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

        var token = SharedAccessSignature.Create(new Uri("https://My-Namespace.servicebus.windows.net/PushHub"), "SendRule", Key, expiresOn);

        // Written out by hand from the documented rules, not by the code under test.
        const string resource = "https%3a%2f%2fmy-namespace.servicebus.windows.net%2fpushhub";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Encoding.UTF8.GetBytes(resource + "\n1800000000")));
        Assert.Equal($"SharedAccessSignature sr={resource}&sig={Uri.EscapeDataString(signature)}&se=1800000000&skn=SendRule", token);
    }

    [Fact]
    public void A_key_name_with_reserved_characters_is_url_encoded()
    {
        var token = SharedAccessSignature.Create(new Uri("http://127.0.0.1:5000/hub"), "send&listen rule", Key, DateTimeOffset.FromUnixTimeSeconds(10));

        Assert.EndsWith("&skn=send%26listen%20rule", token, StringComparison.Ordinal);
        Assert.StartsWith("SharedAccessSignature sr=http%3a%2f%2f127.0.0.1%3a5000%2fhub&sig=", token, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pipeline_reuses_one_token_until_shortly_before_it_expires()
    {
        var clock = new ManualTimeProvider();
        var policy = new SharedAccessSignaturePolicy(new Uri("https://ns.servicebus.windows.net/hub"), "rule", Key, TimeSpan.FromHours(1), clock);

        var first = policy.CurrentToken();
        clock.Advance(TimeSpan.FromMinutes(54));
        var stillFirst = policy.CurrentToken();
        clock.Advance(TimeSpan.FromMinutes(2));
        var renewed = policy.CurrentToken();

        Assert.Same(first, stillFirst);
        Assert.NotEqual(first, renewed);
        Assert.Contains($"&se={(clock.GetUtcNow() + TimeSpan.FromHours(1)).ToUnixTimeSeconds()}&", renewed, StringComparison.Ordinal);
    }
}
