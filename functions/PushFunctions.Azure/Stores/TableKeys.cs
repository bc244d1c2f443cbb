using System.Text;

namespace PushFunctions.Azure.Stores;

/// <summary>
/// User ids and logins become partition and row keys. Table keys may not hold '/', '\', '#', '?' or control
/// characters and are at most 1 KiB, so such characters are percent-encoded and over-long ids are refused.
/// </summary>
public static class TableKeys
{
    /// <summary>Longest user id or login the gateway stores; longer ones can never be registered.</summary>
    public const int MaxIdLength = 256;

    /// <summary>Table keys hold at most 1 KiB: an id of escaped characters can grow fivefold, so the encoded form is what counts.</summary>
    public static bool IsStorable(string id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxIdLength && Encoding.UTF8.GetByteCount(Encode(id)) <= MaxKeyBytes;

    private const int MaxKeyBytes = 1024;

    public static string Encode(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!id.Any(NeedsEncoding))
        {
            return id;
        }

        var builder = new StringBuilder(id.Length + 8);
        foreach (var c in id)
        {
            if (NeedsEncoding(c))
            {
                builder.Append('%').Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    public static string Decode(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.Contains('%', StringComparison.Ordinal))
        {
            return key;
        }

        var builder = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == '%' && i + 4 < key.Length)
            {
                builder.Append((char)Convert.ToInt32(key.Substring(i + 1, 4), 16));
                i += 4;
            }
            else
            {
                builder.Append(key[i]);
            }
        }

        return builder.ToString();
    }

    private static bool NeedsEncoding(char c) => c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c);
}
