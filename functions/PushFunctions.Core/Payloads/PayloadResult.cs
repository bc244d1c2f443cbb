using System.Diagnostics.CodeAnalysis;

namespace PushFunctions.Core.Payloads;

/// <summary>Either a payload ready to send, or why the ping cannot be sent to this platform (the device outcome).</summary>
public sealed record PayloadResult
{
    /// <summary>The outcome when the payload exceeds the platform's limit even with the alert shortened away.</summary>
    public const string PayloadTooLarge = "payload too large";

    private PayloadResult(PlatformPayload? payload, string? error)
    {
        Payload = payload;
        Error = error;
    }

    public PlatformPayload? Payload { get; }

    public string? Error { get; }

    [MemberNotNullWhen(true, nameof(Payload))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Payload is not null;

    public static PayloadResult Success(PlatformPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return new PayloadResult(payload, null);
    }

    public static PayloadResult Failure(string error)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        return new PayloadResult(null, error);
    }
}
