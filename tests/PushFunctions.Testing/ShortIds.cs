namespace PushFunctions.Testing;

/// <summary>Short user ids (base-36 numbers, at most three characters below 46,656), so ten thousand fit one 64 KiB ping body.</summary>
public static class ShortIds
{
    public static string Base36(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        var text = string.Empty;
        do
        {
            text = digits[value % 36] + text;
            value /= 36;
        }
        while (value > 0);
        return text;
    }
}
