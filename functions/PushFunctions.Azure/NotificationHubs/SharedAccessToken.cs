namespace PushFunctions.Azure.NotificationHubs;

/// <summary>A signed SAS header value and when to stop reusing it; one object so readers never see half of a renewal.</summary>
internal sealed record SharedAccessToken(string Value, DateTimeOffset RenewAfter);
