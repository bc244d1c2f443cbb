using PushFunctions.Core.Pings;

namespace PushFunctions.UnitTests.Payloads;

/// <summary>Notifications shaped like the spec's examples.</summary>
internal static class SampleNotifications
{
    /// <summary>The ping behind every example in spec/payloads.md.</summary>
    public static Notification Full { get; } = new("hello world", 5, "hello.mp3", "2000", ["Product", "Customer"]);

    /// <summary>No message, badge or sound: a silent sync trigger.</summary>
    public static Notification Silent { get; } = new(null, null, null, null, ["Product", "Customer"]);

    public static Notification WithMessage(string message) => Full with { Message = message };
}
