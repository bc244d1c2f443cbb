using System.Globalization;

namespace PushFunctions.Core.Pings;

/// <summary>
/// A ping id names the envelope that carried the ping and its place in it ("{envelope}-{index}"), so the
/// status of a ping is found in its envelope's partition without an index of its own.
/// </summary>
public readonly record struct PingId(string EnvelopeId, int Index)
{
    public const int MaxIndex = 999;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{EnvelopeId}-{Index}");

    public static bool TryParse(string? text, out PingId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var dash = text.LastIndexOf('-');
        if (dash != EnvelopeIdLength
            || !IsLowerHex(text.AsSpan(0, dash))
            || !int.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || index > MaxIndex
            || text.AsSpan(dash + 1).ToString() != index.ToString(CultureInfo.InvariantCulture))
        {
            return false;
        }

        id = new PingId(text[..dash], index);
        return true;
    }

    /// <summary>Envelope ids are version-7 GUIDs in "N" form: time-ordered, 32 lowercase hex digits.</summary>
    public static string NewEnvelopeId() => Guid.CreateVersion7().ToString("N");

    private const int EnvelopeIdLength = 32;

    private static bool IsLowerHex(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
