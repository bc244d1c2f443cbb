namespace PushFunctions.Relay.Configuration;

public enum AuthenticatorMode
{
    /// <summary>Ask an existing RhoConnect server's rps_login endpoints.</summary>
    Delegate,

    /// <summary>Check the users the gateway stores in the shared Users table.</summary>
    BuiltIn,
}
