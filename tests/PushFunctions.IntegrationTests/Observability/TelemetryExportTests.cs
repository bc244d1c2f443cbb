using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PushFunctions.Gateway.Telemetry;
using PushFunctions.Testing;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.Http;

namespace PushFunctions.IntegrationTests.Observability;

/// <summary>
/// Each exporter is on exactly when its setting is: a local OTLP/HTTP collector and a local Application Insights
/// ingestion endpoint (the connection string's IngestionEndpoint, which the Azure Monitor exporter posts to as
/// /v2.1/track, gzip-compressed) record what reaches them. Flushing the providers waits for the exports.
/// </summary>
[Collection(nameof(TelemetryCollection))]
public sealed class TelemetryExportTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Path, string Body)> _otlp = new();
    private readonly ConcurrentQueue<(string Path, string Body)> _azureMonitor = new();
    private LoopbackHttpServer _collector = null!;
    private LoopbackHttpServer _ingestion = null!;
    private readonly string _storageAuthority = new Uri(AzuriteEnvironment.ConnectionString.Split(';')
        .Single(part => part.StartsWith("TableEndpoint=", StringComparison.Ordinal))["TableEndpoint=".Length..]).Authority;

    public async Task InitializeAsync()
    {
        _collector = await LoopbackHttpServer.StartAsync(context => RecordAsync(context, _otlp, "application/x-protobuf", ""));
        _ingestion = await LoopbackHttpServer.StartAsync(context => RecordAsync(context, _azureMonitor, "application/json", """{"itemsReceived":0,"itemsAccepted":0,"errors":[]}"""));
    }

    public async Task DisposeAsync()
    {
        await _collector.DisposeAsync();
        await _ingestion.DisposeAsync();
    }

    [Fact]
    public async Task With_OTEL_EXPORTER_OTLP_ENDPOINT_alone_spans_and_metrics_go_to_the_collector_and_nothing_to_Azure_Monitor()
    {
        await RefusePingAndFlushAsync(Otlp());

        AssertReceived(_otlp, "/v1/traces", PingActivities.AcceptName);
        AssertReceived(_otlp, "/v1/metrics", PingMetrics.PingsRejected);
        AssertNoStoragePath(_otlp);
        Assert.Empty(_azureMonitor);
    }

    [Fact]
    public async Task With_APPLICATIONINSIGHTS_CONNECTION_STRING_alone_spans_and_metrics_go_to_its_ingestion_endpoint_and_nothing_over_OTLP()
    {
        await RefusePingAndFlushAsync(AzureMonitor());

        AssertReceived(_azureMonitor, "/v2.1/track", PingActivities.AcceptName);
        AssertReceived(_azureMonitor, "/v2.1/track", PingMetrics.PingsRejected);
        AssertNoStoragePath(_azureMonitor);
        Assert.Empty(_otlp);
    }

    [Fact]
    public async Task With_both_settings_both_receive_the_spans()
    {
        await RefusePingAndFlushAsync(new Dictionary<string, string?>(Otlp().Concat(AzureMonitor())));

        AssertReceived(_otlp, "/v1/traces", PingActivities.AcceptName);
        AssertReceived(_azureMonitor, "/v2.1/track", PingActivities.AcceptName);
    }

    [Fact]
    public async Task Without_OTEL_EXPORTER_OTLP_ENDPOINT_nothing_is_exported_even_where_a_signal_specific_endpoint_is_set()
    {
        // The OTLP exporter would honour OTEL_EXPORTER_OTLP_TRACES_ENDPOINT if it were registered; it is not.
        await RefusePingAndFlushAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = new Uri(_collector.BaseAddress, "v1/traces").AbsoluteUri,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });

        Assert.Empty(_otlp);
        Assert.Empty(_azureMonitor);
    }

    private Dictionary<string, string?> Otlp() => new()
    {
        [GatewayTelemetry.OtlpEndpointSetting] = _collector.BaseAddress.AbsoluteUri,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
    };

    private Dictionary<string, string?> AzureMonitor() => new()
    {
        [GatewayTelemetry.AzureMonitorSetting] =
            $"InstrumentationKey={Guid.NewGuid()};IngestionEndpoint={_ingestion.BaseAddress.AbsoluteUri};LiveEndpoint={_ingestion.BaseAddress.AbsoluteUri}",
        // Only the ingestion is under test: no live-metrics session, no retry files left in the temp directory, and
        // every trace kept (the distro's default samples a few traces a second).
        ["AzureMonitor:EnableLiveMetrics"] = "false",
        ["AzureMonitor:DisableOfflineStorage"] = "true",
        ["OTEL_TRACES_SAMPLER"] = "microsoft.fixed_percentage",
        ["OTEL_TRACES_SAMPLER_ARG"] = "1.0",
    };

    /// <summary>A ping without a token is refused: the accept span and the rejected counter, without any delivery.</summary>
    private static async Task RefusePingAndFlushAsync(Dictionary<string, string?> settings)
    {
        await using var gateway = await GatewayHost.StartAsync(settings);
        using (var refused = await gateway.Client.PostAsync("/rc/v1/users/ping", new FormUrlEncodedContent([new("user_id", "nobody")])))
        {
            Assert.False(refused.IsSuccessStatusCode);
        }

        Assert.True(gateway.Services.GetRequiredService<TracerProvider>().ForceFlush());
        Assert.True(gateway.Services.GetRequiredService<MeterProvider>().ForceFlush());
    }

    private static void AssertReceived(ConcurrentQueue<(string Path, string Body)> received, string path, string text) =>
        Assert.True(received.Any(r => r.Path == path && r.Body.Contains(text, StringComparison.Ordinal)),
            $"No request to {path} mentioned \"{text}\"; received: {string.Join("\n", received.Select(r => r.Path + " " + r.Body))}");

    /// <summary>
    /// The gateway's storage calls (tables and queue created at start) are exported naming the service only: outgoing
    /// paths can carry device tokens, so no exported span has one.
    /// </summary>
    private void AssertNoStoragePath(ConcurrentQueue<(string Path, string Body)> received)
    {
        Assert.Contains(received, r => r.Body.Contains(_storageAuthority, StringComparison.Ordinal));
        Assert.DoesNotContain(received, r => r.Body.Contains(_storageAuthority + "/devstoreaccount1", StringComparison.Ordinal));
    }

    private static async Task RecordAsync(HttpContext context, ConcurrentQueue<(string Path, string Body)> received, string contentType, string answer)
    {
        Stream body = context.Request.Body;
        if (context.Request.Headers.ContentEncoding == "gzip")
        {
            body = new GZipStream(body, CompressionMode.Decompress);
        }

        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer);
        // Protobuf keeps strings as UTF-8 bytes, so names are found in either format's text.
        received.Enqueue((context.Request.Path.Value ?? "", Encoding.UTF8.GetString(buffer.ToArray())));
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(answer);
    }
}
