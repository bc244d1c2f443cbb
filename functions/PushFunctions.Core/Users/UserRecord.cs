namespace PushFunctions.Core.Users;

/// <summary>A user known to the gateway; the hash is present for users created with a password (device login).</summary>
public sealed record UserRecord(string Login, string? PasswordHash);
