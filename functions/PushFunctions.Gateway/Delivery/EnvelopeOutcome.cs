namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// How one delivery attempt ended, and why when it did not complete: the reason is our own wording, fit to stand beside
/// a poisoned or dead-lettered message (a Service Bus dead-letter reason, a log line an operator reads).
/// </summary>
public sealed record EnvelopeOutcome(EnvelopeOutcomeKind Kind, string? Reason)
{
    public static EnvelopeOutcome Completed { get; } = new(EnvelopeOutcomeKind.Completed, null);

    public static EnvelopeOutcome Retry(string reason) => new(EnvelopeOutcomeKind.Retry, reason);

    public static EnvelopeOutcome GiveUp(string reason) => new(EnvelopeOutcomeKind.GiveUp, reason);

    public static EnvelopeOutcome Rejected(string reason) => new(EnvelopeOutcomeKind.Rejected, reason);
}
