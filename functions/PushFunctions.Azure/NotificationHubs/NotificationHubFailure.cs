using Azure;

namespace PushFunctions.Azure.NotificationHubs;

/// <summary>Short, loggable descriptions of failed Notification Hubs calls (status and the hub's detail; never a key or token).</summary>
public static class NotificationHubFailure
{
    /// <summary>The hub's error detail (<c>&lt;Detail&gt;</c> of its XML error body), or null when it gave none.</summary>
    public static string? Detail(RequestFailedException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var response = exception.GetRawResponse();
        return response is not null && NotificationHubErrorDetailsParser.Instance.TryParse(response, out var error, out _) ? error?.Message : null;
    }
}
