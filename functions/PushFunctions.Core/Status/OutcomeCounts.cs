using PushFunctions.Core.Delivery;

namespace PushFunctions.Core.Status;

/// <summary>How many of a ping's devices ended each way, over every recorded outcome (not one page of them).</summary>
public readonly record struct OutcomeCounts(int Sent, int Skipped, int Failed)
{
    public int Total => Sent + Skipped + Failed;

    public OutcomeCounts Add(OutcomeStatus status) => status switch
    {
        OutcomeStatus.Sent => this with { Sent = Sent + 1 },
        OutcomeStatus.Skipped => this with { Skipped = Skipped + 1 },
        _ => this with { Failed = Failed + 1 },
    };
}
