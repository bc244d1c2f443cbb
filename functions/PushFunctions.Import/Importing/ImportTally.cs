namespace PushFunctions.Import.Importing;

/// <summary>
/// The counts of a run, or of one user's part of it, added up as users finish. Not thread-safe: each user fills its
/// own, and the run adds them in user order under its lock.
/// </summary>
internal sealed class ImportTally
{
    private readonly Dictionary<string, int> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _devicesSkipped = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _skipped = new(StringComparer.Ordinal);
    private readonly List<ImportIssue> _skippedItems = [];
    private readonly List<ImportIssue> _errorItems = [];

    public int UsersDone { get; set; }

    public int UsersCreated { get; set; }

    public int UsersNotAtSource { get; set; }

    public int Clients { get; set; }

    public int ClientsCreated { get; set; }

    public int ClientsUpdated { get; set; }

    public int ClientsMoved { get; set; }

    public int ClientsUnchanged { get; set; }

    public int ClientsPruned { get; set; }

    public int ClientsNotAtSource { get; set; }

    public int Errors { get; private set; }

    /// <summary>Why the last failure of these counts failed; null when none did.</summary>
    public string? LastError { get; private set; }

    public static ImportTally From(ImportSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var tally = new ImportTally
        {
            UsersDone = summary.UsersDone,
            UsersCreated = summary.UsersCreated,
            UsersNotAtSource = summary.UsersNotAtSource,
            Clients = summary.Clients,
            ClientsCreated = summary.ClientsCreated,
            ClientsUpdated = summary.ClientsUpdated,
            ClientsMoved = summary.ClientsMoved,
            ClientsUnchanged = summary.ClientsUnchanged,
            ClientsPruned = summary.ClientsPruned,
            ClientsNotAtSource = summary.ClientsNotAtSource,
            Errors = summary.Errors,
        };
        AddAll(tally._devices, summary.Devices);
        AddAll(tally._devicesSkipped, summary.DevicesSkipped);
        AddAll(tally._skipped, summary.Skipped);
        tally._skippedItems.AddRange(summary.SkippedItems);
        tally._errorItems.AddRange(summary.ErrorItems);
        return tally;
    }

    public void CountDevice(string platform) => Increment(_devices, platform, 1);

    public void CountUndeliverable(string reason) => Increment(_devicesSkipped, reason, 1);

    public void Skip(string userId, string? clientId, string reason)
    {
        Increment(_skipped, reason, 1);
        Keep(_skippedItems, new ImportIssue(userId, clientId, reason));
    }

    public void Fail(string userId, string reason)
    {
        Errors++;
        LastError = reason;
        Keep(_errorItems, new ImportIssue(userId, null, reason));
    }

    public void Add(ImportTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        UsersDone += other.UsersDone;
        UsersCreated += other.UsersCreated;
        UsersNotAtSource += other.UsersNotAtSource;
        Clients += other.Clients;
        ClientsCreated += other.ClientsCreated;
        ClientsUpdated += other.ClientsUpdated;
        ClientsMoved += other.ClientsMoved;
        ClientsUnchanged += other.ClientsUnchanged;
        ClientsPruned += other.ClientsPruned;
        ClientsNotAtSource += other.ClientsNotAtSource;
        Errors += other.Errors;
        AddAll(_devices, other._devices);
        AddAll(_devicesSkipped, other._devicesSkipped);
        AddAll(_skipped, other._skipped);
        other._skippedItems.ForEach(item => Keep(_skippedItems, item));
        other._errorItems.ForEach(item => Keep(_errorItems, item));
    }

    /// <summary>The summary of these counts; <paramref name="run"/> carries what the counts do not (source, times, state).</summary>
    public ImportSummary ToSummary(ImportSummary run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run with
        {
            UsersDone = UsersDone,
            UsersCreated = UsersCreated,
            UsersNotAtSource = UsersNotAtSource,
            Clients = Clients,
            ClientsCreated = ClientsCreated,
            ClientsUpdated = ClientsUpdated,
            ClientsMoved = ClientsMoved,
            ClientsUnchanged = ClientsUnchanged,
            ClientsPruned = ClientsPruned,
            ClientsNotAtSource = ClientsNotAtSource,
            Devices = new Dictionary<string, int>(_devices, StringComparer.Ordinal),
            DevicesSkipped = new Dictionary<string, int>(_devicesSkipped, StringComparer.Ordinal),
            Skipped = new Dictionary<string, int>(_skipped, StringComparer.Ordinal),
            SkippedItems = [.. _skippedItems],
            Errors = Errors,
            ErrorItems = [.. _errorItems],
        };
    }

    private static void AddAll(Dictionary<string, int> into, IReadOnlyDictionary<string, int> counts)
    {
        foreach (var (key, count) in counts)
        {
            Increment(into, key, count);
        }
    }

    private static void Increment(Dictionary<string, int> counts, string key, int by) =>
        counts[key] = counts.GetValueOrDefault(key) + by;

    private static void Keep(List<ImportIssue> items, ImportIssue item)
    {
        if (items.Count < ImportSummary.MaxListedIssues)
        {
            items.Add(item);
        }
    }
}
