namespace PushFunctions.Testing.NotificationHubs;

/// <summary>What the local hub keeps of a notification it accepted, to answer its telemetry: the push services' verdict per handle.</summary>
internal sealed record SentNotification(
    string Hub, string Format, string Body, DateTimeOffset EnqueueTime, int Successes, IReadOnlyList<(string Handle, string Error)> Errors);
