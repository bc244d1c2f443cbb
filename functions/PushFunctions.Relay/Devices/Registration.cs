namespace PushFunctions.Relay.Devices;

/// <summary>An app registered on a device instance; messages posted to its token go to the instance's queue.</summary>
public sealed record Registration(string InstanceId, string User, string AppName, string Token);
