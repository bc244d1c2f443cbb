using System.Net;
using System.Text;
using PushFunctions.Gateway.Delivery;
using PushFunctions.Testing.FunctionsHost;
using PushFunctions.Testing.Gateway;

namespace PushFunctions.IntegrationTests.Delivery;

/// <summary>
/// Who may hand the gateway an envelope to deliver: only the Functions host, on the loopback port it gave its custom
/// handler. A standalone gateway (VM, container, run-local) has its own consumer and no delivery route at all.
/// </summary>
public sealed class DeliveryEndpointExposureTests
{
    public static TheoryData<string> DeliveryFunctions =>
        [FunctionInvocationEndpoints.StorageQueueFunction, FunctionInvocationEndpoints.ServiceBusFunction, FunctionInvocationEndpoints.DeadLetterFunction];

    [Theory]
    [MemberData(nameof(DeliveryFunctions))]
    public async Task A_forged_envelope_posted_to_a_standalone_gateway_is_404_sends_nothing_and_leaves_no_status(string function)
    {
        await using var gateway = await GatewayHost.StartAsync();
        var victim = "victim-" + Guid.NewGuid().ToString("N")[..8];
        await gateway.CreateUserAsync(victim);
        await gateway.RegisterDeviceAsync(victim, new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = "victim-pin" });
        var envelopeId = Guid.CreateVersion7().ToString("N");
        var forged = $$"""{"id":"{{envelopeId}}","pings":[{"id":"{{envelopeId}}-0","user_ids":["{{victim}}"],"notification":{"message":"PHISHING: reset your password at evil.example","sources":[]},"accepted_at":"2026-11-25T15:55:14+00:00"}]}""";

        // The envelope as the host would wrap it, and the same envelope posted bare or as a plain JSON string.
        using var asHost = await FunctionsHostInvocation.PostAsync(gateway.Client, function,
            FunctionsHostInvocation.ForStorageQueueMessage(Encoding.UTF8.GetBytes(forged), function, 1));
        using var asString = await gateway.Client.PostAsync("/" + function, new StringContent(
            """{"Data":{"message":""" + System.Text.Json.JsonSerializer.Serialize(forged) + """},"Metadata":{"DequeueCount":1,"DeliveryCount":1}}""", Encoding.UTF8, "application/json"));
        using var bare = await gateway.Client.PostAsync("/" + function, new StringContent(forged, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, asHost.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, asString.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, bare.StatusCode);
        Assert.DoesNotContain(gateway.LogChannel.Sent, s => s.UserId == victim);
        using var status = await gateway.SendAuthorizedAsync(HttpMethod.Get, $"/rc/v1/pings/{envelopeId}-0");
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
    }

    [Fact]
    public async Task Under_the_host_the_handler_listens_on_loopback_only_and_serves_the_delivery_functions()
    {
        await using var gateway = await GatewayHost.StartAsync(asFunctionsCustomHandler: true);

        using var invocation = await FunctionsHostInvocation.PostAsync(gateway.Client, FunctionInvocationEndpoints.StorageQueueFunction, "{}");

        Assert.Equal(IPAddress.Loopback.ToString(), gateway.BaseAddress.Host);
        // Served, and refused for want of trigger data: not the 404 of a route that does not exist.
        Assert.Equal(HttpStatusCode.BadRequest, invocation.StatusCode);
    }
}
