namespace PushFunctions.Azure.NotificationHubs;

/// <summary>The detailed answer to a test send: how many devices succeeded and failed, and each one's result (at most 10).</summary>
public sealed record NotificationOutcome(int Success, int Failure, IReadOnlyList<RegistrationResult> Results);
