using Azure;

namespace PushFunctions.Azure.Stores;

/// <summary>A delivery's hold on one device's send of a ping: the claim row's version, which only its holder can release.</summary>
public sealed record SendClaim(string Key, ETag ETag);
