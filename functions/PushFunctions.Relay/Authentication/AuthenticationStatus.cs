namespace PushFunctions.Relay.Authentication;

public enum AuthenticationStatus
{
    Accepted,

    /// <summary>Answered 401.</summary>
    Rejected,

    /// <summary>The authenticator could not be asked: answered 503 so the caller retries later.</summary>
    Unavailable,
}
