namespace PushFunctions.Gateway.Api;

/// <summary>
/// Who is calling a RhoConnect route: a backend holding the API token (acting for any user), or a device session
/// (acting for its own user only).
/// </summary>
public sealed record Caller(bool HasApiToken, string? SessionUser)
{
    public static Caller Backend { get; } = new(true, null);

    /// <summary>May this caller act for <paramref name="userId"/>?</summary>
    public bool MayActFor(string userId) => HasApiToken || SessionUser == userId;
}
