namespace PushFunctions.Core.Pings;

/// <summary>What a ping asks every device to show or do. Absent values are null (or an empty list).</summary>
public sealed record Notification(
    string? Message,
    int? Badge,
    string? Sound,
    string? Vibrate,
    IReadOnlyList<string> Sources)
{
    /// <summary>A ping with nothing to show is a silent sync trigger.</summary>
    public bool IsSilent => Message is null && Badge is null && Sound is null;
}
