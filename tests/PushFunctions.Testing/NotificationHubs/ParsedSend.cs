namespace PushFunctions.Testing.NotificationHubs;

/// <summary>A send request read by the local hub: the notification and its handles, or why it was refused.</summary>
internal sealed record ParsedSend(string? ContentType, string? Body, string[]? Handles, int Status = 201, string? Error = null)
{
    public static ParsedSend Rejected(int status, string error) => new(null, null, null, status, error);
}
