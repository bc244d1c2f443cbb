namespace PushFunctions.Core.Delivery;

/// <summary>How one candidate device of a ping ended.</summary>
public enum OutcomeStatus
{
    Sent,
    Skipped,
    Failed,
}
