using Azure.Monitor.OpenTelemetry.AspNetCore;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace PushFunctions.Gateway.Telemetry;

/// <summary>
/// OpenTelemetry for the gateway: its own spans and instruments (<see cref="PingActivities"/>, <see cref="PingMetrics"/>)
/// with ASP.NET Core's and HttpClient's, exported to Azure Monitor when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is
/// set and over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (both, either or neither). The spans exist either
/// way, so trace context still travels through the queue for whoever reads it later.
/// </summary>
public static class GatewayTelemetry
{
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ServiceNameSetting = "OTEL_SERVICE_NAME";
    public const string ServiceName = "PushFunctions.Gateway";

    public static void AddGatewayTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<PingMetrics>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrEmpty(configuration[ServiceNameSetting]))
                {
                    resource.AddService(ServiceName);
                }
            })
            // The redaction first: processors run in the order they are added, exporters after it.
            .WithTracing(tracing => tracing.AddSource(PingActivities.SourceName).AddProcessor<UrlRedactionProcessor>())
            .WithMetrics(metrics => metrics.AddMeter(PingMetrics.MeterName));

        if (!string.IsNullOrWhiteSpace(configuration[AzureMonitorSetting]))
        {
            // The distro brings the ASP.NET Core and HttpClient instrumentation (and exports logs too).
            telemetry.UseAzureMonitor();

            // It also forwards the Azure SDK's event-source log into ILogger; at Information that names every request's
            // path, and the relay's paths end in a device token. Warnings and errors only (Logging:LogLevel:Azure.Core
            // can still ask for more).
            services.Configure<LoggerFilterOptions>(options => options.AddFilter("Azure", LogLevel.Warning));
        }
        else
        {
            telemetry
                .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())
                .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation());
        }

        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]))
        {
            // Endpoint, protocol, headers and the rest from the standard OTEL_EXPORTER_OTLP_* settings.
            telemetry.UseOtlpExporter();
        }
    }
}
