using System.Runtime.CompilerServices;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Pings;
using PushFunctions.Core.Status;

namespace PushFunctions.Gateway.Console.Reading;

/// <summary>
/// Pings newest first. Table Storage returns rows in ascending key order only, so the reader walks back in time
/// windows: a minute, then twice as long each step, until the caller has read enough or the window reaches its limit.
/// A quiet gateway is read in a few queries, a busy one only as far back as needed.
/// </summary>
public sealed class RecentPings(PingStatusStore store, TimeProvider time)
{
    private static readonly TimeSpan FirstWindow = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LongestWindow = TimeSpan.FromDays(1);

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Pings accepted since <paramref name="since"/>, newest first; older than <paramref name="after"/> when one is given (paging).</summary>
    public async IAsyncEnumerable<PingStatus> ReadBackAsync(
        DateTimeOffset since, PingId? after = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // One millisecond past the cursor's envelope: its other, older pings are still to come.
        var to = after is { } cursor ? PingStatusStore.CreatedAt(cursor).AddMilliseconds(1) : time.GetUtcNow().AddSeconds(1);
        var window = FirstWindow;
        while (to > since)
        {
            var from = to - window < since ? since : to - window;
            var pings = await store.ListAcceptedAsync(from, to, cancellationToken);
            for (var i = pings.Count - 1; i >= 0; i--)
            {
                if (after is null || IsOlder(pings[i].PingId, after.Value))
                {
                    yield return pings[i];
                }
            }

            to = from;
            window = window * 2 > LongestWindow ? LongestWindow : window * 2;
        }
    }

    private static bool IsOlder(string pingId, PingId cursor) =>
        PingId.TryParse(pingId, out var id)
        && (string.CompareOrdinal(id.EnvelopeId, cursor.EnvelopeId) < 0 || (id.EnvelopeId == cursor.EnvelopeId && id.Index < cursor.Index));
}
