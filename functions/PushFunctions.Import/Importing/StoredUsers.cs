using System.Collections.Concurrent;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.FanOut;

namespace PushFunctions.Import.Importing;

/// <summary>
/// What the gateway holds for the users of a run, read a chunk of consecutive users at a time with one range query
/// (<see cref="RegistrationStore.ListUserDevicesAsync"/>) instead of one query per user: users are imported in key
/// order, so a chunk is read when its first user starts and dropped when its last one is done. Thread-safe.
/// </summary>
internal sealed class StoredUsers
{
    public const int ChunkSize = 100;

    /// <summary>Users in the order the gateway's keys sort them (ordinal order of <see cref="TableKeys.Encode"/>), the order of a run.</summary>
    public static readonly IComparer<string> KeyOrder = Comparer<string>.Create((a, b) => string.CompareOrdinal(TableKeys.Encode(a), TableKeys.Encode(b)));

    private readonly RegistrationStore _registrations;
    private readonly string[] _userIds;
    private readonly int[] _remaining;
    private readonly ConcurrentDictionary<int, Lazy<Task<Dictionary<string, UserDevices>>>> _chunks = new();

    /// <param name="registrations">Where the users are read from.</param>
    /// <param name="userIds">The run's users, in <see cref="KeyOrder"/>.</param>
    /// <param name="firstIndex">The first user the run imports: chunks count their users from there.</param>
    public StoredUsers(RegistrationStore registrations, string[] userIds, int firstIndex)
    {
        _registrations = registrations;
        _userIds = userIds;
        _remaining = new int[(userIds.Length + ChunkSize - 1) / ChunkSize];
        for (var index = firstIndex; index < userIds.Length; index++)
        {
            _remaining[index / ChunkSize]++;
        }
    }

    /// <summary>The user's rows as the gateway holds them; call once per user.</summary>
    public async Task<UserDevices> GetAsync(int index, CancellationToken cancellationToken)
    {
        var chunk = index / ChunkSize;
        var read = _chunks.GetOrAdd(chunk, c => new Lazy<Task<Dictionary<string, UserDevices>>>(() => ReadChunkAsync(c, cancellationToken)));
        try
        {
            var users = await read.Value;
            return users.GetValueOrDefault(_userIds[index]) ?? new UserDevices(_userIds[index], Exists: false, []);
        }
        finally
        {
            if (Interlocked.Decrement(ref _remaining[chunk]) == 0)
            {
                _chunks.TryRemove(chunk, out _);
            }
        }
    }

    private async Task<Dictionary<string, UserDevices>> ReadChunkAsync(int chunk, CancellationToken cancellationToken)
    {
        var storable = _userIds.Skip(chunk * ChunkSize).Take(ChunkSize).Where(TableKeys.IsStorable).ToList();
        if (storable.Count == 0)
        {
            return [];
        }

        // The range holds the gateway's other users between these too; they are simply not asked for.
        var found = await _registrations.ListUserDevicesAsync(storable[0], storable[^1], cancellationToken);
        return found.ToDictionary(user => user.UserId, StringComparer.Ordinal);
    }
}
