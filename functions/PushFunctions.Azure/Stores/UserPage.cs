namespace PushFunctions.Azure.Stores;

/// <summary>A page of logins, and the token that continues after it (null on the last page).</summary>
public sealed record UserPage(IReadOnlyList<string> Logins, string? ContinuationToken);
