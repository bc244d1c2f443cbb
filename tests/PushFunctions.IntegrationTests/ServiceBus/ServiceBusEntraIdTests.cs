using Azure;
using Azure.Core.Pipeline;
using PushFunctions.Azure.ServiceBus;
using PushFunctions.Testing.ServiceBus;

namespace PushFunctions.IntegrationTests.ServiceBus;

/// <summary>
/// The client with an Entra ID token, as the managed identity sends in Azure, against the local namespace over https
/// (Azure.Core sends bearer tokens over TLS only).
/// </summary>
public sealed class ServiceBusEntraIdTests : IAsyncLifetime
{
    private const string Queue = "pings";
    private LocalServiceBus _bus = null!;

    public async Task InitializeAsync() => _bus = await LocalServiceBus.StartAsync([Queue], https: true);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task A_token_for_the_service_bus_scope_is_accepted()
    {
        var credential = new LocalEntraCredential(_bus.TokenSigningKey);

        await Sender(credential).SendMessageAsync(new ServiceBusMessage("with a token") { MessageId = "t1" });

        Assert.Equal(["https://servicebus.azure.net/.default"], credential.LastScopes);
        Assert.Equal("t1", Assert.Single(_bus.Messages(Queue)).MessageId);
    }

    [Fact]
    public async Task One_token_serves_many_sends()
    {
        var credential = new LocalEntraCredential(_bus.TokenSigningKey);
        var sender = Sender(credential);

        for (var i = 0; i < 3; i++)
        {
            await sender.SendMessageAsync(new ServiceBusMessage("x") { MessageId = $"n{i}" });
        }

        Assert.Equal(1, credential.TokensIssued);
        Assert.Equal(3, _bus.Messages(Queue).Count);
    }

    [Theory]
    [InlineData("https://storage.azure.com")]
    [InlineData("https://management.azure.com")]
    public async Task A_token_for_another_audience_is_refused_with_401(string audience)
    {
        var sender = Sender(new LocalEntraCredential(_bus.TokenSigningKey) { AudienceOverride = audience });

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));

        Assert.Equal(401, error.Status);
        Assert.Contains("audience", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(_bus.Messages(Queue));
    }

    [Fact]
    public async Task An_expired_token_is_refused_with_401()
    {
        var sender = Sender(new LocalEntraCredential(_bus.TokenSigningKey) { Lifetime = TimeSpan.FromMinutes(-5) });

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));

        Assert.Equal(401, error.Status);
        Assert.Equal(ServiceBusErrorCode.Unauthorized, error.ErrorCode);
    }

    [Fact]
    public async Task A_token_signed_by_someone_else_is_refused_with_401()
    {
        var sender = Sender(new LocalEntraCredential(new byte[32]));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));

        Assert.Equal(401, error.Status);
    }

    private ServiceBusSender Sender(LocalEntraCredential credential)
    {
        var options = new ServiceBusClientOptions { Transport = new HttpClientTransport(_bus.CreateTrustingHandler()) };
        return new ServiceBusClient(_bus.Endpoint.AbsoluteUri, credential, options).CreateSender(Queue);
    }
}
