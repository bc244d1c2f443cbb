using PushFunctions.Core.Delivery;
using PushFunctions.Gateway.Health;

namespace PushFunctions.Gateway.Channels.NotificationHubs;

/// <summary>
/// Adds the Notification Hubs channel, its options and the watcher of its notifications' telemetry when a connection
/// string is configured; its health is reported through <see cref="ChannelHealth"/>.
/// </summary>
public static class NotificationHubsRegistration
{
    /// <summary>Call after <see cref="ChannelHealth"/> and before the log channel are registered: channels are tried in registration order.</summary>
    public static IServiceCollection AddNotificationHubsChannel(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(NotificationHubsOptions.Section);
        if (string.IsNullOrWhiteSpace(section[nameof(NotificationHubsOptions.ConnectionString)]))
        {
            return services;
        }

        services.Configure<NotificationHubsOptions>(section);
        services.AddSingleton<PnsFeedbackWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<PnsFeedbackWatcher>());
        services.AddSingleton<NotificationHubsChannel>();
        services.AddSingleton<IDeliveryChannel>(sp => sp.GetRequiredService<NotificationHubsChannel>());
        return services;
    }
}
