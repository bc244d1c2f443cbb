using System.Text.Json;

namespace PushFunctions.Core.Payloads;

/// <summary>
/// The <c>do_sync</c> key: the sources the app must sync. A ping without sources leaves the key out on every
/// platform, as any other absent value. The Rhodes push callback syncs when <c>do_sync</c> is present
/// (<c>if sources_to_sync</c>); Ruby treats <c>""</c> and <c>[]</c> as true, so an empty value would enter the sync
/// branch with nothing to sync. "No sync" is therefore said by the missing key, never by <c>[]</c> or <c>""</c>.
/// </summary>
internal static class DoSync
{
    /// <summary>APNs and the RPS relay: a JSON array (Rhodes on iOS reads an array).</summary>
    public static void WriteArray(Utf8JsonWriter writer, IReadOnlyList<string> sources)
    {
        if (sources.Count == 0)
        {
            return;
        }

        writer.WriteStartArray("do_sync"u8);
        foreach (var source in sources)
        {
            writer.WriteStringValue(source);
        }

        writer.WriteEndArray();
    }

    /// <summary>FCM data and WNS raw: one comma-joined string (Rhodes on Android splits it on ",").</summary>
    public static void WriteJoined(Utf8JsonWriter writer, IReadOnlyList<string> sources)
    {
        if (sources.Count > 0)
        {
            writer.WriteString("do_sync"u8, string.Join(',', sources));
        }
    }
}
