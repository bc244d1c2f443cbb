namespace PushFunctions.Azure.NotificationHubs;

/// <summary>One count of a notification's telemetry: how many sends to one push service ended one way.</summary>
/// <param name="Platform">The push service, as the counts element names it: <c>Apns</c>, <c>FcmV1</c>, <c>Wns</c>, ...</param>
/// <param name="Outcome">The outcome's name: <c>Success</c>, <c>ExpiredChannel</c>, <c>BadChannel</c>, <c>InvalidCredentials</c>, ...</param>
/// <param name="Count">How many sends ended so.</param>
public sealed record NotificationOutcomeCount(string Platform, string Outcome, long Count);
