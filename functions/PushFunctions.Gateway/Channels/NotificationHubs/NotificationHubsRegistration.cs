using PushFunctions.Core.Delivery;

namespace PushFunctions.Gateway.Channels.NotificationHubs;

/// <summary>Adds the Notification Hubs channel, its options and its health check when a connection string is configured.</summary>
public static class NotificationHubsRegistration
{
    /// <summary>Call before the log channel is registered: channels are tried in registration order.</summary>
    public static IServiceCollection AddNotificationHubsChannel(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(NotificationHubsOptions.Section);
        if (string.IsNullOrWhiteSpace(section[nameof(NotificationHubsOptions.ConnectionString)]))
        {
            return services;
        }

        services.Configure<NotificationHubsOptions>(section);
        services.AddSingleton<NotificationHubsHealth>();
        services.AddSingleton<NotificationHubsChannel>();
        services.AddSingleton<IDeliveryChannel>(sp => sp.GetRequiredService<NotificationHubsChannel>());
        services.AddHealthChecks().AddCheck<NotificationHubsHealthCheck>("notification-hubs");
        return services;
    }
}
