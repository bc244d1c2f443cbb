namespace PushFunctions.ConformanceTests.Ping;

/// <summary>A registered APNs device of a test: its user, client id and handle (device_pin).</summary>
public sealed record AppleDevice(string UserId, string ClientId, string Handle);
