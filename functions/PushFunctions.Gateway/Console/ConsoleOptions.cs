namespace PushFunctions.Gateway.Console;

/// <summary>Settings section "Console". The console signs its sessions with RhoConnect:SessionSecret.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>How long a console sign-in lasts.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);
}
