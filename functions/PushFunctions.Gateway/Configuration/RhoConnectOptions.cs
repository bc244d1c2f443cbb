namespace PushFunctions.Gateway.Configuration;

/// <summary>Settings section "RhoConnect".</summary>
public sealed class RhoConnectOptions
{
    public const string Section = "RhoConnect";

    /// <summary>Valid API tokens, comma-separated, so a new token can be rolled out before the old one is retired.</summary>
    public string ApiTokens { get; set; } = string.Empty;
}
