namespace PushFunctions.Relay.Authentication;

/// <param name="User">The user the credentials name (empty when a cookie alone was accepted).</param>
public readonly record struct AuthenticationResult(AuthenticationStatus Status, string User)
{
    public static AuthenticationResult Rejected { get; } = new(AuthenticationStatus.Rejected, "");

    public static AuthenticationResult Unavailable { get; } = new(AuthenticationStatus.Unavailable, "");

    public static AuthenticationResult Accept(string user) => new(AuthenticationStatus.Accepted, user);
}
