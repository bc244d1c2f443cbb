using System.Text;
using Microsoft.Extensions.Options;
using PushFunctions.Azure.ServiceBus;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Queueing;
using PushFunctions.Testing.ServiceBus;

namespace PushFunctions.IntegrationTests.ServiceBus;

public sealed class ServiceBusPingQueueTests : IAsyncLifetime
{
    private const string Queue = "pings";
    private LocalServiceBus _bus = null!;

    public async Task InitializeAsync() => _bus = await LocalServiceBus.StartAsync([Queue]);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task Envelopes_handed_over_together_share_batch_requests_and_each_arrives_once()
    {
        var queue = NewQueue();
        var envelopes = Enumerable.Range(0, 40).Select(i => Envelope($"env{i:D2}", 200)).ToList();

        await Task.WhenAll(envelopes.Select(e => queue.SendAsync(e, CancellationToken.None)));

        Assert.Equal(envelopes.Select(e => e.Id).Order(), _bus.Messages(Queue).Select(m => m.MessageId!).Order());
        Assert.True(_bus.Requests < envelopes.Count / 2, $"{_bus.Requests} requests for {envelopes.Count} envelopes");
    }

    [Fact]
    public async Task Envelopes_too_large_to_share_a_batch_go_in_requests_of_their_own()
    {
        var queue = NewQueue();
        // Each fits one message, but no two fit one batch request together.
        var envelopes = new[] { Envelope("a", 150_000), Envelope("b", 150_000), Envelope("c", queue.MaxEnvelopeBytes) };

        await Task.WhenAll(envelopes.Select(e => queue.SendAsync(e, CancellationToken.None)));

        Assert.Equal(["a", "b", "c"], _bus.Messages(Queue).Select(m => m.MessageId!).Order());
        Assert.Equal(3, _bus.Requests);
    }

    [Fact]
    public async Task A_refused_send_is_reported_as_queue_unavailable_to_every_envelope_of_the_request()
    {
        var queue = new ServiceBusPingQueue(
            new ServiceBusClient(_bus.ConnectionString).CreateSender("missing-queue"), Options.Create(new PushQueueOptions()));

        var sends = Enumerable.Range(0, 6).Select(i => queue.SendAsync(Envelope($"x{i}", 100), CancellationToken.None)).ToList();

        foreach (var send in sends)
        {
            await Assert.ThrowsAsync<QueueUnavailableException>(() => send);
        }
    }

    private ServiceBusPingQueue NewQueue() =>
        new(new ServiceBusClient(_bus.ConnectionString).CreateSender(Queue), Options.Create(new PushQueueOptions { TimeToLive = TimeSpan.FromHours(2) }));

    private static QueuedEnvelope Envelope(string id, int bytes) =>
        new(id, Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","pad":"{{new string('p', Math.Max(0, bytes - id.Length - 18))}}"}"""));
}
