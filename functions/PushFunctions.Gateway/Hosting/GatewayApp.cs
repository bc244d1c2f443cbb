using System.Globalization;
using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;
using PushFunctions.Azure.Configuration;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Delivery;
using PushFunctions.Gateway.Api;
using PushFunctions.Gateway.Channels;
using PushFunctions.Gateway.Channels.NotificationHubs;
using PushFunctions.Gateway.Channels.RhoConnectPush;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Console;
using PushFunctions.Gateway.Delivery;
using PushFunctions.Gateway.Health;
using PushFunctions.Gateway.Import;
using PushFunctions.Gateway.Pinging;
using PushFunctions.Gateway.Queueing;
using PushFunctions.Gateway.Registration;
using PushFunctions.Gateway.Retention;
using PushFunctions.Gateway.Sessions;
using PushFunctions.Gateway.Status;
using PushFunctions.Gateway.Telemetry;

namespace PushFunctions.Gateway.Hosting;

/// <summary>
/// The gateway as one ASP.NET Core app. Under the Functions host (a custom handler) it listens on
/// FUNCTIONS_CUSTOMHANDLER_PORT and the host's triggers deliver; standalone it also runs its own queue consumer.
/// </summary>
public static class GatewayApp
{
    public const string CustomHandlerPortSetting = "FUNCTIONS_CUSTOMHANDLER_PORT";
    private const string LivenessPath = "/healthz/live";

    /// <param name="args">Command-line arguments (e.g. --urls).</param>
    /// <param name="configure">Lets tests and embedders override configuration and services before the app is built.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Named and rooted as the gateway wherever it is hosted (a test host, the Functions host's working directory):
            // Razor Pages and the static asset manifest are found by this name, the console's files beside the binaries.
            ApplicationName = typeof(GatewayApp).Assembly.GetName().Name,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        // Lowest-priority defaults: fingerprinted static assets are cached as immutable from any output, not only a
        // publish (a build output would otherwise serve them "no-cache", to pick up edits while running); the Azure SDK
        // logs every request and response at Information, which would bury the gateway's own lines (Logging__LogLevel__Azure
        // brings them back).
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = [new("ReloadStaticAssetsAtRuntime", "false"), new("Logging:LogLevel:Azure", "Warning")],
        });
        var customHandlerPort = builder.Configuration[CustomHandlerPortSetting];
        if (!string.IsNullOrEmpty(customHandlerPort))
        {
            builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{int.Parse(customHandlerPort, CultureInfo.InvariantCulture)}"));
        }

        // First, so overrides shape the gateway's own registrations and channels added here are tried before the log channel.
        configure?.Invoke(builder);
        var underFunctionsHost = !string.IsNullOrEmpty(customHandlerPort);
        AddGatewayServices(builder.Services, builder.Configuration, underFunctionsHost);
        builder.Services.AddGatewayTelemetry(builder.Configuration);
        builder.Services.AddConsole(builder.Configuration);

        var app = builder.Build();
        app.UseForwardedHeaders();
        // The responder logs each failure once, with what the client was told; the middleware's own error log would repeat it.
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = UnhandledExceptionResponder.RespondAsync, SuppressDiagnosticsCallback = _ => true });
        // Storage is created beside the server's start; a request that may use it waits for that first attempt.
        app.UseWhen(
            context => !context.Request.Path.StartsWithSegments(LivenessPath, StringComparison.OrdinalIgnoreCase),
            branch => branch.Use(async (context, next) =>
            {
                await context.RequestServices.GetRequiredService<StorageInitializer>().FirstAttempt.WaitAsync(context.RequestAborted);
                await next(context);
            }));
        app.UseConsole();
        app.MapPingEndpoints();
        app.MapUserEndpoints();
        app.MapClientEndpoints();
        app.MapPingStatusEndpoints();
        app.MapAppLoginEndpoints();
        if (underFunctionsHost)
        {
            // Only the host, on the loopback port it gave us, invokes the delivery functions and the import's timer;
            // standalone they do not exist (ScheduledImportService imports on its own schedule).
            app.MapFunctionInvocationEndpoints();
            app.MapImportFunction();
            app.MapRetentionFunctionEndpoints();
        }

        app.MapConsole();
        app.MapHealthChecks("/healthz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { ResponseWriter = HealthReportJson.WriteAsync });
        // Liveness: the process answers, without touching storage (for probes, and the benchmark's baseline endpoint).
        app.MapHealthChecks(LivenessPath, new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false });
        return app;
    }

    private static void AddGatewayServices(IServiceCollection services, ConfigurationManager configuration, bool underFunctionsHost)
    {
        services.AddOptions<RhoConnectOptions>().Bind(configuration.GetSection(RhoConnectOptions.Section))
            .Validate(o => o.LoginFailuresPerLogin > 0 && o.LoginFailuresPerAddress > 0 && o.LoginFailureWindow > TimeSpan.Zero,
                "RhoConnect:LoginFailuresPerLogin and :LoginFailuresPerAddress must be at least 1, and :LoginFailureWindow longer than zero.")
            .ValidateOnStart();
        services.Configure<PushQueueOptions>(configuration.GetSection(PushQueueOptions.Section));
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section))
            .Validate(o => o.PingRetention >= TimeSpan.FromHours(1) && o.ExpiryInterval > TimeSpan.Zero && o.ExpiryMaxRows >= 100,
                "Storage:PingRetention must be at least an hour (longer than any delivery attempt), :ExpiryInterval longer than zero, and :ExpiryMaxRows at least 100.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        // On shutdown the server, the batcher and the consumer each finish what they hold side by side, within the
        // same shutdown timeout, rather than one after the other with whatever time the previous ones left.
        services.Configure<HostOptions>(host => host.ServicesStopConcurrently = true);

        // Clients from the connection settings the Functions host reads (AzureWebJobsStorage, ServiceBusConnection).
        services.AddStorageClients(
            configuration,
            // A message the queue client cannot decode would fail every receive of the batch it is in: poison it instead, as the host does.
            configureQueues: (options, provider) => options.MessageDecodingFailed += args => provider.GetRequiredService<PoisonQueue>().PoisonUndecodableAsync(args));
        services.AddServiceBusClient(configuration);
        services.AddSingleton(sp => new UserStore(Table(sp, "Users")));
        services.AddSingleton(sp => new RegistrationStore(Table(sp, "Users"), Table(sp, "ClientIndex")));
        services.AddSingleton(sp => new PingStatusStore(
            Table(sp, "Pings"),
            sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value.EnvelopeContainer)));

        services.AddSingleton(sp => new StoragePingQueue(Queue(sp, string.Empty)));
        services.AddSingleton(sp => sp.GetRequiredService<ServiceBusClient>().CreateSender(sp.GetRequiredService<IOptions<PushQueueOptions>>().Value.QueueName));
        services.AddSingleton<IPingQueue>(sp => sp.GetRequiredService<IOptions<PushQueueOptions>>().Value.Transport switch
        {
            PushQueueTransport.StorageQueue => sp.GetRequiredService<StoragePingQueue>(),
            PushQueueTransport.ServiceBus => ActivatorUtilities.CreateInstance<ServiceBusPingQueue>(sp),
            var other => throw new InvalidOperationException($"PushQueue:Transport {other} is not available in this build."),
        });
        services.AddSingleton(sp => new PoisonQueue(Queue(sp, "-poison"), sp.GetRequiredService<ILogger<PoisonQueue>>()));

        services.AddSingleton<DeliveryWakeup>();
        services.AddSingleton<PingBatcher>();
        services.AddSingleton<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());
        services.AddHostedService(sp => sp.GetRequiredService<PingBatcher>());
        services.AddSingleton<PingDeliverer>();
        services.AddSingleton<EnvelopeProcessor>();
        services.AddSingleton<EnvelopeRedelivery>();
        services.AddSingleton<PingExpiry>();

        // Channels are tried in registration order; the log channel serves whatever no other channel does.
        services.AddSingleton<ChannelHealth>();
        var relay = configuration.GetSection(RhoConnectPushOptions.Section).Get<RhoConnectPushOptions>() ?? new RhoConnectPushOptions();
        if (relay.IsConfigured)
        {
            services.AddSingleton(new RelayClient(relay.RelayUrl!, relay.AppName, relay.AppPassword));
            services.AddSingleton<IDeliveryChannel, RhoConnectPushChannel>();
        }

        services.AddNotificationHubsChannel(configuration);
        services.AddSingleton<LogChannel>();
        services.AddSingleton<IDeliveryChannel>(sp => sp.GetRequiredService<LogChannel>());

        services.AddSingleton<ApiTokenValidator>();
        services.AddSingleton<CallerAuthenticator>();
        services.AddSingleton<SessionCookie>();
        services.AddSingleton<LoginThrottle>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<RhoConnectOptions>>((forwarded, rhoConnect) => ClientAddress.Configure(forwarded, rhoConnect.Value.TrustedProxies));
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage").AddCheck<QueueHealthCheck>("queue").AddCheck<ChannelHealthCheck>("channels");
        services.AddRhoConnectImport(configuration, underFunctionsHost);

        // Standalone, the app removes expired pings itself; under the host, the ExpirePings timer does.
        if (!underFunctionsHost)
        {
            services.AddHostedService<PingExpiryService>();
        }

        // Standalone, the app consumes the queue itself with the trigger's semantics; under the host, the trigger does.
        var queueOptions = configuration.GetSection(PushQueueOptions.Section).Get<PushQueueOptions>() ?? new PushQueueOptions();
        if (queueOptions.InProcessConsumer ?? !underFunctionsHost)
        {
            if (queueOptions.Transport == PushQueueTransport.ServiceBus)
            {
                services.AddHostedService<ServiceBusQueueConsumer>();
            }
            else
            {
                services.AddHostedService<StorageQueueConsumer>();
            }
        }
    }

    private static TableClient Table(IServiceProvider services, string name) =>
        services.GetRequiredService<TableServiceClient>().GetTableClient(services.GetRequiredService<IOptions<StorageOptions>>().Value.TablePrefix + name);

    private static QueueClient Queue(IServiceProvider services, string suffix) =>
        services.GetRequiredService<QueueServiceClient>().GetQueueClient(services.GetRequiredService<IOptions<PushQueueOptions>>().Value.QueueName + suffix);
}
