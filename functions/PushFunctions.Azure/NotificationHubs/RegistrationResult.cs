namespace PushFunctions.Azure.NotificationHubs;

/// <summary>One device's result in a test send: its platform, handle, registration and the push service's answer.</summary>
public sealed record RegistrationResult(string ApplicationPlatform, string PnsHandle, string RegistrationId, string Outcome);
