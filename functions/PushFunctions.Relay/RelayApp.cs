using System.Globalization;
using Azure.Core;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PushFunctions.Azure.Configuration;
using PushFunctions.Azure.Stores;
using PushFunctions.Relay.Authentication;
using PushFunctions.Relay.Configuration;
using PushFunctions.Relay.Devices;
using PushFunctions.Relay.Endpoints;
using PushFunctions.Relay.Expiry;
using PushFunctions.Relay.Polling;
using PushFunctions.Relay.Security;
using PushFunctions.Relay.Storage;
using PushFunctions.Relay.Storage.Log;

namespace PushFunctions.Relay;

/// <summary>Builds the relay's web application; <c>Program</c> runs it, tests start it on a loopback port.</summary>
public static class RelayApp
{
    /// <param name="args">Command line; configuration keys may be given as <c>--Relay:PollTimeout=00:00:05</c>.</param>
    /// <param name="configure">Last-word service overrides (tests replace the time provider or the store).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        // While ASP.NET Core's request logger is enabled at any level, every request carries an Activity and a log scope,
        // kept for as long as a long poll is held (thousands at once) and allocated again for every message. The relay
        // logs its own failures (RelayRouter); a line per poll would be noise.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // The Azure SDK logs every storage request and response at Information: a line per message written.
        builder.Logging.AddFilter("Azure", LogLevel.Warning);

        var settings = builder.Configuration.GetSection(RelayOptions.SectionName).Get<RelayOptions>() ?? new RelayOptions();
        Validate(settings);
        builder.Services.AddSingleton(Options.Create(settings));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new RelaySigner(settings.Secret));
        builder.Services.AddSingleton<PollDeadlines>();
        builder.Services.AddSingleton<DeviceDirectory>();
        builder.Services.AddSingleton<DroppedMessages>();
        builder.Services.AddSingleton(provider => new AcceptanceCache(provider.GetRequiredService<TimeProvider>(), settings.Authenticator.CacheDuration));
        // The storage connection the relay shares with the function app (AzureWebJobsStorage), in any form the host reads.
        builder.Services.AddStorageClients(builder.Configuration, configureTables: ConfigureTables);
        builder.Services.AddSingleton(provider => new TableRelayStore(
            provider.GetRequiredService<TableServiceClient>(), settings.TablePrefix, settings.CommitLinger, provider.GetRequiredService<ILogger<TableRelayStore>>()));
        builder.Services.AddSingleton<IRelayStore>(provider => provider.GetRequiredService<TableRelayStore>());
        AddAuthenticator(builder.Services, settings);

        builder.Services.AddSingleton<InstanceEndpoints>();
        builder.Services.AddSingleton<RegistrationEndpoints>();
        builder.Services.AddSingleton<NextMessageEndpoint>();
        builder.Services.AddSingleton<MessageQueueEndpoint>();
        builder.Services.AddSingleton<RelayRouter>();
        // In this order: no state is read before this process holds the tables.
        builder.Services.AddSingleton<WriterLease>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<WriterLease>());
        builder.Services.AddHostedService<RelayStateLoader>();
        builder.Services.AddSingleton(provider => provider.GetRequiredService<TableRelayStore>().Log);
        builder.Services.AddHostedService<LogCompactionService>();
        builder.Services.AddHostedService<PollDeadlineService>();
        builder.Services.AddHostedService<ExpirySweepService>();
        configure?.Invoke(builder.Services);

        var app = builder.Build();
        var router = app.Services.GetRequiredService<RelayRouter>();
        app.Run(router.RouteAsync);
        return app;
    }

    /// <summary>
    /// Storage calls give up within a minute rather than Azure.Core's default of several: a message's 204 waits for its
    /// write, and a backend is better answered 503 (and retries) than left hanging.
    /// </summary>
    private static void ConfigureTables(TableClientOptions options)
    {
        options.Retry.MaxRetries = 2;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(20);
    }

    private static void AddAuthenticator(IServiceCollection services, RelayOptions settings)
    {
        var authenticator = settings.Authenticator;
        if (authenticator.Mode == AuthenticatorMode.BuiltIn)
        {
            // The gateway's own Users table and store, reached the way the gateway reaches it.
            services.AddSingleton<IDeviceAuthenticator>(provider => new BuiltInDeviceAuthenticator(
                new UserStore(provider.GetRequiredService<TableServiceClient>().GetTableClient(settings.UsersTable)),
                settings.Apps,
                provider.GetRequiredService<AcceptanceCache>()));
            return;
        }

        services.AddHttpClient(nameof(DelegateDeviceAuthenticator), client => client.Timeout = authenticator.Timeout);
        services.AddSingleton<IDeviceAuthenticator>(provider => new DelegateDeviceAuthenticator(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(DelegateDeviceAuthenticator)),
            authenticator.DeviceLoginUrl!,
            authenticator.AppLoginUrl!,
            provider.GetRequiredService<AcceptanceCache>(),
            provider.GetRequiredService<ILogger<DelegateDeviceAuthenticator>>()));
    }

    /// <summary>Fails at startup, naming the setting, rather than on the first device.</summary>
    private static void Validate(RelayOptions settings)
    {
        var problems = new List<string>();
        if (settings.PollTimeout <= TimeSpan.Zero || settings.PollTimeout > TimeSpan.FromHours(1))
        {
            problems.Add("Relay:PollTimeout must be a positive time span of at most an hour, e.g. 00:03:20.");
        }

        if (settings.RegistrationLifetime <= TimeSpan.Zero)
        {
            problems.Add("Relay:RegistrationLifetime must be a positive time span, e.g. 30.00:00:00.");
        }

        if (settings.ExpirySweepInterval <= TimeSpan.Zero)
        {
            problems.Add("Relay:ExpirySweepInterval must be a positive time span, e.g. 01:00:00.");
        }

        if (settings.MaxQueuedMessages <= 0 || settings.MaxInstancesPerUser <= 0)
        {
            problems.Add("Relay:MaxQueuedMessages and Relay:MaxInstancesPerUser must be positive numbers.");
        }

        if (settings.MessageLifetime <= TimeSpan.Zero)
        {
            problems.Add("Relay:MessageLifetime must be a positive time span, e.g. 7.00:00:00.");
        }

        if (settings.LeaseDuration < TimeSpan.FromSeconds(2))
        {
            problems.Add("Relay:LeaseDuration must be a time span of at least two seconds, e.g. 00:01:00.");
        }

        if (settings.CommitLinger < TimeSpan.Zero || settings.CommitLinger > TimeSpan.FromSeconds(1))
        {
            problems.Add("Relay:CommitLinger must be a time span between zero and a second, e.g. 00:00:00.010.");
        }

        if (settings.MaxMessageBytes is <= 0 or > LogCodec.MaxMessageBytes)
        {
            problems.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"Relay:MaxMessageBytes must be between 1 and {LogCodec.MaxMessageBytes} (a message is written in one log row of at most {LogCodec.MaxPayloadBytes / 1024} KiB)."));
        }

        if (settings.Authenticator.Mode == AuthenticatorMode.Delegate
            && (settings.Authenticator.DeviceLoginUrl is null || settings.Authenticator.AppLoginUrl is null))
        {
            problems.Add("Relay:Authenticator:Mode is Delegate: set Relay:Authenticator:DeviceLoginUrl and Relay:Authenticator:AppLoginUrl.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }
    }
}
