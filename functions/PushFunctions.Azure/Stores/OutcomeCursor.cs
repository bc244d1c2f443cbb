using System.Globalization;

namespace PushFunctions.Azure.Stores;

/// <summary>
/// Where the next page of a ping's device outcomes begins: an outcome row (the version-7 GUID that ends its row key)
/// and a position in it. Outcome rows are only ever added, never rewritten, so a cursor stays valid however long the
/// reader waits, and a page never repeats a device of an earlier one. Written as "{row}.{position}".
/// </summary>
public readonly record struct OutcomeCursor(string Row, int Position)
{
    private const int RowLength = 32;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Row}.{Position}");

    public static bool TryParse(string? text, out OutcomeCursor cursor)
    {
        cursor = default;
        if (text is null || text.Length <= RowLength + 1 || text[RowLength] != '.')
        {
            return false;
        }

        var row = text.AsSpan(0, RowLength);
        foreach (var c in row)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        if (!int.TryParse(text.AsSpan(RowLength + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var position))
        {
            return false;
        }

        cursor = new OutcomeCursor(row.ToString(), position);
        return true;
    }
}
