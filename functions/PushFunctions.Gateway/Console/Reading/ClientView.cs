using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;
using PushFunctions.Core.Registrations;

namespace PushFunctions.Gateway.Console.Reading;

/// <summary>
/// A client as the user's page shows it: its registration, the platform the fan-out resolves it to (or why it would
/// be skipped), and the latest outcome recorded for it with the ping that recorded it.
/// </summary>
public sealed record ClientView(ClientRegistration Client, Platform? Platform, string? SkippedBecause, DeviceOutcome? LastOutcome, string? LastPingId);
