namespace PushFunctions.Relay.Configuration;

/// <summary>The relay's settings, bound from the <c>Relay</c> configuration section.</summary>
public sealed class RelayOptions
{
    public const string SectionName = "Relay";

    /// <summary>Key for the HMAC that makes instance ids, cookies and tokens unforgeable.</summary>
    public string Secret { get; set; } = "";

    /// <summary>How long a poll waits for a message before it is answered 204 (under Azure's 230 s idle limit).</summary>
    public TimeSpan PollTimeout { get; set; } = TimeSpan.FromSeconds(200);

    /// <summary>Registrations of an instance without device activity for this long are removed.</summary>
    public TimeSpan RegistrationLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often expired registrations are swept from memory and storage.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Prefix of the relay's table names (RelayInstances, RelayRegistrations, RelayMessages).</summary>
    public string TablePrefix { get; set; } = "Relay";

    /// <summary>The built-in authenticator's users: the table the gateway's <c>POST /rc/v1/users</c> writes.</summary>
    public string UsersTable { get; set; } = "Users";

    /// <summary>Largest accepted <c>POST /messageQueue</c> body.</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Messages one device instance keeps queued; a new one beyond drops the oldest (counted).</summary>
    public int MaxQueuedMessages { get; set; } = 100;

    /// <summary>A message not acknowledged within this age is dropped (counted).</summary>
    public TimeSpan MessageLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Device instances with registrations one user may have; a first registration beyond is refused (403).</summary>
    public int MaxInstancesPerUser { get; set; } = 1000;

    /// <summary>
    /// How long a message handed to a waiting device waits, when nothing else of its log shard is being written, for that
    /// device's acknowledgement, so that both go to storage in one call; the backend's answer waits as long. Zero writes it
    /// at once.
    /// </summary>
    public TimeSpan CommitLinger { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How long the writer lease lasts without renewal (renewed every quarter of it): how long a relay started after a crash waits.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    public AuthenticatorOptions Authenticator { get; set; } = new();

    /// <summary>Backend app credentials for the built-in authenticator: app name → password.</summary>
    public Dictionary<string, string> Apps { get; } = new(StringComparer.Ordinal);
}
