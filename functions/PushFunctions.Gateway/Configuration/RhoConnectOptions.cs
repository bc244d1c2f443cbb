using PushFunctions.Import.Importing;

namespace PushFunctions.Gateway.Configuration;

/// <summary>Settings section "RhoConnect".</summary>
public sealed class RhoConnectOptions
{
    public const string Section = "RhoConnect";

    /// <summary>Valid API tokens, comma-separated, so a new token can be rolled out before the old one is retired.</summary>
    public string ApiTokens { get; set; } = string.Empty;

    /// <summary>
    /// Signs device session cookies (POST /rc/v1/app/login); comma-separated for rotation: the first signs new sessions,
    /// every one is accepted. Unset: device sessions are off.
    /// </summary>
    public string SessionSecret { get; set; } = string.Empty;

    /// <summary>How long a device session cookie stays valid.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Failed device logins allowed for one login before it is refused (429) until the allowance refills.</summary>
    public int LoginFailuresPerLogin { get; set; } = 5;

    /// <summary>Failed device logins allowed from one client address (an IPv6 /64) whatever the login.</summary>
    public int LoginFailuresPerAddress { get; set; } = 30;

    /// <summary>The time in which a used-up allowance refills completely, one attempt at a time.</summary>
    public TimeSpan LoginFailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Proxies whose X-Forwarded-For names the client, comma-separated addresses or networks (10.0.0.0/8), besides
    /// loopback (the Functions host, or a proxy on the same machine), which is always trusted.
    /// </summary>
    public string TrustedProxies { get; set; } = string.Empty;

    /// <summary>
    /// The RhoConnect server (its base URL) whose users and device registrations the gateway keeps importing, so devices
    /// that keep registering there are reached from here. Unset, or without <see cref="ImportApiToken"/>: no import.
    /// </summary>
    public string ImportFrom { get; set; } = string.Empty;

    /// <summary>That server's API token: the import only reads (users, their client ids, a client's fields).</summary>
    public string ImportApiToken { get; set; } = string.Empty;

    /// <summary>
    /// How often the standalone gateway imports. Under the Functions host the timer function's schedule decides
    /// (RhoConnect__ImportSchedule, an NCRONTAB expression the host reads).
    /// </summary>
    public TimeSpan ImportInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Requests in flight toward the RhoConnect server during an import: gentle on a server that also serves syncs.</summary>
    public int ImportConcurrency { get; set; } = ImportOptions.DefaultMaxConcurrency;

    /// <summary>Remove the clients the RhoConnect server no longer has (also those the gateway registered itself: it mirrors the server).</summary>
    public bool ImportPrune { get; set; }

    /// <summary>Both the server and its token are set.</summary>
    public bool ImportEnabled => !string.IsNullOrWhiteSpace(ImportFrom) && !string.IsNullOrWhiteSpace(ImportApiToken);
}
