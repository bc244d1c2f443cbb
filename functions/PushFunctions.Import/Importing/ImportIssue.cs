namespace PushFunctions.Import.Importing;

/// <summary>A user or client that was skipped or failed, and why (a fixed phrase, never an exception's text).</summary>
public sealed record ImportIssue(string UserId, string? ClientId, string Reason);
