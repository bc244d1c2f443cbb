namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// How one delivery attempt ended, and why when it did not complete: the reason is our own wording, fit to stand beside
/// a poisoned or dead-lettered message (a Service Bus dead-letter reason, a log line an operator reads).
/// <see cref="Attempt"/> is the attempt's number across the envelope's messages; a retry comes after <see cref="RetryDelay"/>.
/// </summary>
public sealed record EnvelopeOutcome(EnvelopeOutcomeKind Kind, string? Reason, long Attempt = 0, TimeSpan RetryDelay = default)
{
    public static EnvelopeOutcome Completed { get; } = new(EnvelopeOutcomeKind.Completed, null);

    public static EnvelopeOutcome Retry(string reason, long attempt, TimeSpan delay) => new(EnvelopeOutcomeKind.Retry, reason, attempt, delay);

    public static EnvelopeOutcome GiveUp(string reason, long attempt) => new(EnvelopeOutcomeKind.GiveUp, reason, attempt);

    public static EnvelopeOutcome Rejected(string reason) => new(EnvelopeOutcomeKind.Rejected, reason);
}
