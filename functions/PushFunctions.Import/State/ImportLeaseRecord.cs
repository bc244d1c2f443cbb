using Azure;

namespace PushFunctions.Import.State;

/// <summary>The lease row as read or written: who holds it until when, and the version that proves it.</summary>
public sealed record ImportLeaseRecord(string Holder, DateTimeOffset ExpiresAt, ETag ETag);
