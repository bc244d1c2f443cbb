using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PushFunctions.Gateway.Telemetry;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.NotificationHubs;

namespace PushFunctions.IntegrationTests.Observability;

/// <summary>
/// A ping through the real gateway (Kestrel, Azurite queue and tables, the in-process consumer, the log channel), read
/// back from OpenTelemetry's in-memory exporter: the spans of its path and the instruments it moved.
/// </summary>
[Collection(nameof(TelemetryCollection))]
public sealed class PingTelemetryTests : IAsyncLifetime
{
    private readonly List<Activity> _spans = [];
    private readonly List<MetricSnapshot> _metrics = [];
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await StartGatewayAsync();

    /// <summary>A gateway exporting to this test's lists (the meter is found by name: one gateway at a time).</summary>
    private Task<GatewayHost> StartGatewayAsync(IDictionary<string, string?>? settings = null) =>
        GatewayHost.StartAsync(settings, services: s => s
            .ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans))
            .ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(_metrics)));

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task A_delivered_ping_leaves_one_trace_from_the_backends_call_across_the_queue_to_each_channel_call_with_its_ping_id()
    {
        var (user, apple, android) = await UserWithTwoDevicesAndAnUnregisteredOneAsync();
        // A backend that traces and samples this call: its traceparent carries the "recorded" flag.
        using var backend = new Activity("backend calls the ping API") { ActivityTraceFlags = ActivityTraceFlags.Recorded }.SetIdFormat(ActivityIdFormat.W3C).Start();

        var pingId = await _gateway.PingAsync(new("user_id", user), new("message", Secret));
        backend.Stop();
        await _gateway.WaitForPingAsync(pingId);

        var channelSend = await SpanAsync(s => s.OperationName == PingActivities.ChannelSendName && Tag(s, PingActivities.PingIdAttribute) == pingId);
        var spans = Snapshot().Where(s => s.TraceId == backend.TraceId).ToList();
        var accept = Assert.Single(spans, s => s.OperationName == PingActivities.AcceptName);
        var send = Assert.Single(spans, s => s.OperationName == PingActivities.EnvelopeSendName);
        var process = Assert.Single(spans, s => s.OperationName == PingActivities.EnvelopeProcessName);
        var deliver = Assert.Single(spans, s => s.OperationName == PingActivities.DeliverName);

        // The queue hop keeps the backend's trace: accept → envelope send → envelope process, and accept → ping deliver.
        Assert.Equal(backend.TraceId, channelSend.TraceId);
        Assert.Equal(pingId, Tag(accept, PingActivities.PingIdAttribute));
        Assert.Equal("accepted", Tag(accept, PingActivities.OutcomeAttribute));
        Assert.Equal(accept.SpanId, send.ParentSpanId);
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal(pingId[..pingId.LastIndexOf('-')], Tag(send, PingActivities.EnvelopeIdAttribute));
        Assert.Equal(send.SpanId, process.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal("1", Tag(process, PingActivities.AttemptAttribute));
        Assert.Equal("completed", Tag(process, PingActivities.OutcomeAttribute));
        Assert.Equal(accept.SpanId, deliver.ParentSpanId);
        Assert.Equal(pingId, Tag(deliver, PingActivities.PingIdAttribute));
        Assert.Equal(deliver.SpanId, channelSend.ParentSpanId);
        Assert.Equal("log", Tag(channelSend, PingActivities.ChannelAttribute));
        Assert.Equal("2", Tag(channelSend, PingActivities.DeviceCountAttribute));
        Assert.Equal("sent", Tag(channelSend, PingActivities.OutcomeAttribute));

        // Nothing a span says names a device's handle or the ping's text.
        foreach (var value in spans.SelectMany(s => s.TagObjects).Select(t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""))
        {
            Assert.DoesNotContain(apple, value, StringComparison.Ordinal);
            Assert.DoesNotContain(android, value, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_delivered_ping_and_a_refused_one_move_the_counters_and_histograms_with_their_channel_and_reason()
    {
        var (user, _, _) = await UserWithTwoDevicesAndAnUnregisteredOneAsync();
        var pingId = await _gateway.PingAsync(new("user_id", user), new("message", "hello"));
        await _gateway.WaitForPingAsync(pingId);
        using (var refused = await _gateway.Client.PostAsync("/rc/v1/users/ping", new FormUrlEncodedContent([new("user_id", user)])))
        {
            Assert.False(refused.IsSuccessStatusCode);
        }

        Assert.True(_gateway.Services.GetRequiredService<MeterProvider>().ForceFlush());

        Assert.Equal(1, Sum(PingMetrics.PingsAccepted));
        Assert.Equal(1, Sum(PingMetrics.PingsRejected, (PingMetrics.ReasonTag, PingMetrics.RejectReasons.Unauthenticated)));
        Assert.Equal(1, Sum(PingMetrics.PingsDelivered));
        Assert.Equal(2, Sum(PingMetrics.DevicesSent, (PingMetrics.ChannelTag, "log")));
        Assert.Equal(1, Sum(PingMetrics.DevicesSkipped, (PingMetrics.ReasonTag, "not registered")));
        Assert.Equal(0, Sum(PingMetrics.DevicesFailed));
        var fanOut = Assert.Single(Points(PingMetrics.FanOutSize));
        Assert.Equal((1, 2.0), (fanOut.GetHistogramCount(), fanOut.GetHistogramSum()));
        var queueAge = Assert.Single(Points(PingMetrics.QueueAge));
        Assert.Equal(1, queueAge.GetHistogramCount());
        var channel = Assert.Single(Points(PingMetrics.ChannelDuration));
        Assert.Equal(1, channel.GetHistogramCount());
        Assert.Equal([(PingMetrics.ChannelTag, "log")], Tags(channel));
    }

    [Fact]
    public async Task A_device_an_unavailable_hub_defers_shows_on_its_channel_span_and_counter_and_the_next_attempt_continues_the_same_trace()
    {
        await using var hub = await LocalNotificationHub.StartAsync("push-hub");
        await _gateway.DisposeAsync();
        _gateway = await StartGatewayAsync(new Dictionary<string, string?>
        {
            ["NotificationHubs:ConnectionString"] = hub.ConnectionString,
            ["NotificationHubs:HubName"] = "push-hub",
            ["NotificationHubs:MaxRetries"] = "0",
        });
        var user = "otel-" + Guid.NewGuid().ToString("N")[..8];
        await _gateway.CreateUserAsync(user);
        await _gateway.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = "apple-" + user });
        // No client retries: the first attempt's one request gets a 503, the second attempt's goes through.
        hub.AnswerForRoute(HubRoute.DirectSend, 503, times: 1);
        using var backend = new Activity("backend calls the ping API") { ActivityTraceFlags = ActivityTraceFlags.Recorded }.SetIdFormat(ActivityIdFormat.W3C).Start();

        var pingId = await _gateway.PingAsync(new("user_id", user), new("message", "later"));
        backend.Stop();
        var status = await _gateway.WaitForPingAsync(pingId);

        Assert.Equal(2, status.GetProperty("attempts").GetInt32());
        await SpanAsync(s => s.TraceId == backend.TraceId && s.OperationName == PingActivities.EnvelopeProcessName && Tag(s, PingActivities.AttemptAttribute) == "2");
        var spans = Snapshot().Where(s => s.TraceId == backend.TraceId).OrderBy(s => s.StartTimeUtc).ToList();
        var send = Assert.Single(spans, s => s.OperationName == PingActivities.EnvelopeSendName);
        var processes = spans.Where(s => s.OperationName == PingActivities.EnvelopeProcessName).ToList();
        Assert.Equal([("1", "retry"), ("2", "completed")], processes.Select(p => (Tag(p, PingActivities.AttemptAttribute), Tag(p, PingActivities.OutcomeAttribute))));
        Assert.All(processes, p => Assert.Equal(send.SpanId, p.ParentSpanId));
        var delivers = spans.Where(s => s.OperationName == PingActivities.DeliverName).ToList();
        Assert.Equal(2, delivers.Count);
        Assert.Equal("waiting", Tag(delivers[0], PingActivities.OutcomeAttribute));
        var channelSends = spans.Where(s => s.OperationName == PingActivities.ChannelSendName).ToList();
        Assert.Equal(["deferred", "sent"], channelSends.Select(c => Tag(c, PingActivities.OutcomeAttribute)));
        Assert.Equal(("1", "0"), (Tag(channelSends[0], PingActivities.DeferredCountAttribute), Tag(channelSends[0], PingActivities.FailedCountAttribute)));

        Assert.True(_gateway.Services.GetRequiredService<MeterProvider>().ForceFlush());
        Assert.Equal(1, Sum(PingMetrics.DevicesDeferred, (PingMetrics.ChannelTag, "notification hubs")));
        Assert.Equal(1, Sum(PingMetrics.DevicesSent, (PingMetrics.ChannelTag, "notification hubs")));
        Assert.Equal(0, Sum(PingMetrics.DevicesFailed));
        Assert.Equal(1, Sum(PingMetrics.PingsDelivered));
    }

    private const string Secret = "the backend's own words";

    private async Task<(string User, string AppleHandle, string AndroidHandle)> UserWithTwoDevicesAndAnUnregisteredOneAsync()
    {
        var user = "otel-" + Guid.NewGuid().ToString("N")[..8];
        var (apple, android) = ("apple-" + Guid.NewGuid().ToString("N"), "fcm-" + Guid.NewGuid().ToString("N"));
        await _gateway.CreateUserAsync(user);
        await _gateway.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = apple });
        await _gateway.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "ANDROID", ["device_pin"] = android });
        await _gateway.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "APPLE" });
        return (user, apple, android);
    }

    /// <summary>The exporter appends from other threads; a copy is read (List.ToArray never throws for a concurrent Add).</summary>
    private Activity[] Snapshot() => _spans.ToArray();

    /// <summary>Spans end on the consumer's threads after the status says done: wait for the one wanted.</summary>
    private async Task<Activity> SpanAsync(Func<Activity, bool> wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (Snapshot().FirstOrDefault(wanted) is { } span)
            {
                return span;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The span did not end within 60 s.");
    }

    private static string? Tag(Activity span, string name) =>
        Convert.ToString(span.GetTagItem(name), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The points of the last export of an instrument.</summary>
    private List<MetricPoint> Points(string instrument)
    {
        var points = new List<MetricPoint>();
        if (_metrics.LastOrDefault(m => m.Name == instrument) is { } snapshot)
        {
            points.AddRange(snapshot.MetricPoints);
        }

        return points;
    }

    private long Sum(string counter, params (string Name, string Value)[] tags) =>
        Points(counter).Where(p => tags.All(t => Tags(p).Contains(t))).Sum(p => p.GetSumLong());

    private static List<(string, string)> Tags(MetricPoint point)
    {
        var tags = new List<(string, string)>();
        foreach (var tag in point.Tags)
        {
            tags.Add((tag.Key, Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture)!));
        }

        return tags;
    }
}
