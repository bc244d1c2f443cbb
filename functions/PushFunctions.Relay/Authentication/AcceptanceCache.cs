using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace PushFunctions.Relay.Authentication;

/// <summary>
/// Remembers recent yeses of the delegate, keyed by a hash of the credentials so the clear values never sit in memory
/// longer than the request that carried them.
/// </summary>
public sealed class AcceptanceCache(TimeProvider timeProvider, TimeSpan lifetime)
{
    // Past this many entries, expired ones are pruned on insert so the cache cannot grow without bound.
    private const int PruneThreshold = 10_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> expiries = new(StringComparer.Ordinal);

    public static string KeyFor(Uri endpoint, PresentedCredentials credentials)
    {
        var text = $"{endpoint}\n{credentials.Authorization}\n{credentials.Cookie}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public bool Contains(string key) =>
        expiries.TryGetValue(key, out var expiry) && expiry > timeProvider.GetUtcNow();

    public void Add(string key)
    {
        var now = timeProvider.GetUtcNow();
        if (expiries.Count >= PruneThreshold)
        {
            foreach (var entry in expiries)
            {
                if (entry.Value <= now)
                {
                    expiries.TryRemove(entry);
                }
            }
        }

        expiries[key] = now + lifetime;
    }
}
