using System.Globalization;
using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using PushFunctions.Azure.Configuration;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Delivery;
using PushFunctions.Gateway.Api;
using PushFunctions.Gateway.Channels;
using PushFunctions.Gateway.Channels.NotificationHubs;
using PushFunctions.Gateway.Channels.RhoConnectPush;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Delivery;
using PushFunctions.Gateway.Health;
using PushFunctions.Gateway.Pinging;
using PushFunctions.Gateway.Queueing;
using PushFunctions.Gateway.Registration;
using PushFunctions.Gateway.Sessions;
using PushFunctions.Gateway.Status;

namespace PushFunctions.Gateway.Hosting;

/// <summary>
/// The gateway as one ASP.NET Core app. Under the Functions host (a custom handler) it listens on
/// FUNCTIONS_CUSTOMHANDLER_PORT and the host's triggers deliver; standalone it also runs its own queue consumer.
/// </summary>
public static class GatewayApp
{
    public const string CustomHandlerPortSetting = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <param name="args">Command-line arguments (e.g. --urls).</param>
    /// <param name="configure">Lets tests and embedders override configuration and services before the app is built.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var customHandlerPort = builder.Configuration[CustomHandlerPortSetting];
        if (!string.IsNullOrEmpty(customHandlerPort))
        {
            builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{int.Parse(customHandlerPort, CultureInfo.InvariantCulture)}"));
        }

        // First, so overrides shape the gateway's own registrations and channels added here are tried before the log channel.
        configure?.Invoke(builder);
        AddGatewayServices(builder.Services, builder.Configuration, underFunctionsHost: !string.IsNullOrEmpty(customHandlerPort));

        var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = UnavailableDependencyResponder.RespondAsync });
        app.MapPingEndpoints();
        app.MapUserEndpoints();
        app.MapClientEndpoints();
        app.MapPingStatusEndpoints();
        app.MapAppLoginEndpoints();
        app.MapFunctionInvocationEndpoints();
        app.MapHealthChecks("/healthz");
        // Liveness: the process answers, without touching storage (for probes, and the benchmark's baseline endpoint).
        app.MapHealthChecks("/healthz/live", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false });
        return app;
    }

    private static void AddGatewayServices(IServiceCollection services, ConfigurationManager configuration, bool underFunctionsHost)
    {
        services.Configure<RhoConnectOptions>(configuration.GetSection(RhoConnectOptions.Section));
        services.Configure<PushQueueOptions>(configuration.GetSection(PushQueueOptions.Section));
        services.Configure<StorageOptions>(configuration.GetSection(StorageOptions.Section));
        services.AddSingleton(TimeProvider.System);

        // Clients from the connection settings the Functions host reads (AzureWebJobsStorage, ServiceBusConnection).
        services.AddStorageClients(configuration);
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
        services.AddKeyedSingleton(StorageQueueConsumer.PoisonQueueKey, (sp, _) => Queue(sp, "-poison"));

        services.AddSingleton<DeliveryWakeup>();
        services.AddSingleton<PingBatcher>();
        services.AddHostedService<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<PingBatcher>());
        services.AddSingleton<PingDeliverer>();
        services.AddSingleton<EnvelopeProcessor>();

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
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage").AddCheck<ChannelHealthCheck>("channels");

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
