using System.Globalization;

namespace PushFunctions.Core.Payloads;

/// <summary>Shortens an alert until the platform's limited part of the payload fits, for every platform.</summary>
internal static class AlertShortener
{
    private const string Ellipsis = "…";

    /// <summary>
    /// Finds the longest alert that fits: the whole alert, or a prefix cut at a text element boundary
    /// (so no surrogate pair, combining sequence or emoji cluster is split) followed by "…".
    /// </summary>
    /// <param name="alert">The alert to fit; null when the ping has no message.</param>
    /// <param name="byteLimit">The platform's limit on the measured part, in UTF-8 bytes.</param>
    /// <param name="measuredBytes">The size of the platform's limited part when it carries the given alert.</param>
    /// <param name="fittedAlert">The alert to send.</param>
    /// <returns>False when nothing fits, not even "…" alone.</returns>
    public static bool TryFit(string? alert, int byteLimit, Func<string?, int> measuredBytes, out string? fittedAlert)
    {
        fittedAlert = alert;
        if (measuredBytes(alert) <= byteLimit)
        {
            return true;
        }

        if (alert is null)
        {
            return false;
        }

        var elementEnds = TextElementEnds(alert);

        // The payload grows with every kept element, so the kept count can be binary searched. Each element
        // adds at least one byte, which bounds the search for huge alerts by the limit rather than their length.
        var fewest = 0;
        var most = Math.Min(elementEnds.Length - 1, byteLimit);
        var best = -1;
        while (fewest <= most)
        {
            var kept = fewest + ((most - fewest) / 2);
            if (measuredBytes(Shortened(alert, elementEnds, kept)) <= byteLimit)
            {
                best = kept;
                fewest = kept + 1;
            }
            else
            {
                most = kept - 1;
            }
        }

        fittedAlert = best < 0 ? null : Shortened(alert, elementEnds, best);
        return best >= 0;
    }

    private static string Shortened(string alert, int[] elementEnds, int keptElements) =>
        keptElements == 0 ? Ellipsis : string.Concat(alert.AsSpan(0, elementEnds[keptElements - 1]), Ellipsis);

    /// <summary>The index just after each text element (grapheme cluster) of <paramref name="text"/>.</summary>
    private static int[] TextElementEnds(string text)
    {
        var ends = new List<int>(text.Length);
        var index = 0;
        while (index < text.Length)
        {
            index += StringInfo.GetNextTextElementLength(text.AsSpan(index));
            ends.Add(index);
        }

        return [.. ends];
    }
}
