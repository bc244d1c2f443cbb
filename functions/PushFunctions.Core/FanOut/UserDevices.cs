using PushFunctions.Core.Registrations;

namespace PushFunctions.Core.FanOut;

/// <summary>A user of a ping as found in storage: whether the user exists, and its registered clients.</summary>
public sealed record UserDevices(string UserId, bool Exists, IReadOnlyList<ClientRegistration> Clients);
