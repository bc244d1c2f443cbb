namespace PushFunctions.ConformanceTests.Rps;

/// <summary>How a test wants its relay: short timeouts, its own tables, which authenticator.</summary>
internal sealed record RelayHostSettings
{
    public string TablePrefix { get; init; } = PushFunctions.Testing.AzuriteEnvironment.NewTableName("Relay")[..20];

    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan RegistrationLifetime { get; init; } = TimeSpan.FromDays(30);

    public TimeSpan ExpirySweepInterval { get; init; } = TimeSpan.FromHours(1);

    public int MaxQueuedMessages { get; init; } = 100;

    public TimeSpan MessageLifetime { get; init; } = TimeSpan.FromDays(7);

    public int MaxInstancesPerUser { get; init; } = 1000;

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The relay's <c>Relay:CommitLinger</c>; null leaves the relay's default.</summary>
    public TimeSpan? CommitLinger { get; init; }

    /// <summary>Delegate mode against this server; null for built-in mode.</summary>
    public RpsLoginServer? Delegate { get; init; }

    /// <summary>Built-in mode: the Users table and the backend apps' passwords.</summary>
    public string UsersTable { get; init; } = "Users";

    public IReadOnlyDictionary<string, string> Apps { get; init; } = new Dictionary<string, string>();

    /// <summary>The storage the relay's tables live in: the shared Azurite unless a test brings its own.</summary>
    public string StorageConnectionString { get; init; } = PushFunctions.Testing.AzuriteEnvironment.ConnectionString;

    /// <summary>When set, receives every log line of the relay.</summary>
    public RecordedLogs? Logs { get; init; }
}
