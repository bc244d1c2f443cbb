using System.Globalization;
using PushFunctions.Core.Pings;

namespace PushFunctions.Core.Contract;

/// <summary>The parameter rules of the RhoConnect ping contract (spec: rhoconnect-ping.md, "Parameters").</summary>
public static class PingRequestParser
{
    public const int MaxUsers = 10_000;

    public static PingRequestParseResult Parse(IReadOnlyDictionary<string, ParameterValue> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);

        if (!TryReadUsers(parameters, out var users, out var error)
            || !TryReadSources(parameters, out var sources, out error)
            || !TryReadText(parameters, "message", out var message, out error)
            || !TryReadBadge(parameters, out var badge, out error)
            || !TryReadText(parameters, "sound", out var sound, out error)
            || !TryReadText(parameters, "vibrate", out var vibrate, out error))
        {
            return PingRequestParseResult.Invalid(error!);
        }

        return PingRequestParseResult.Valid(new PingRequest(users, new Notification(message, badge, sound, vibrate, sources)));
    }

    private static bool TryReadUsers(IReadOnlyDictionary<string, ParameterValue> parameters, out IReadOnlyList<string> users, out string? error)
    {
        users = [];
        error = "user_id is required";
        if (!parameters.TryGetValue("user_id", out var value) || value.Kind == ParameterKind.Null)
        {
            return false;
        }

        IEnumerable<ParameterValue> items = value.Kind == ParameterKind.List ? value.Items : [value];
        var distinct = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (!item.IsScalarText)
            {
                error = "user_id must be a string or an array of strings";
                return false;
            }

            if (item.Text!.Length > 0 && seen.Add(item.Text))
            {
                distinct.Add(item.Text);
            }
        }

        if (distinct.Count == 0)
        {
            return false;
        }

        if (distinct.Count > MaxUsers)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"user_id names {distinct.Count} users; at most {MaxUsers} are allowed in one ping");
            return false;
        }

        users = distinct;
        error = null;
        return true;
    }

    /// <summary>`sources` and its alias `source_id` (sent by the .NET and Java backend examples) are merged, sources first.</summary>
    private static bool TryReadSources(IReadOnlyDictionary<string, ParameterValue> parameters, out IReadOnlyList<string> sources, out string? error)
    {
        var merged = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        error = null;
        foreach (var name in (string[])["sources", "source_id"])
        {
            if (!parameters.TryGetValue(name, out var value) || value.Kind == ParameterKind.Null)
            {
                continue;
            }

            IEnumerable<ParameterValue> items = value.Kind == ParameterKind.List ? value.Items : [value];
            foreach (var item in items)
            {
                if (!item.IsScalarText)
                {
                    error = $"{name} must be a string or an array of strings";
                    sources = [];
                    return false;
                }

                foreach (var source in item.Text!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    if (seen.Add(source))
                    {
                        merged.Add(source);
                    }
                }
            }
        }

        sources = merged;
        return true;
    }

    private static bool TryReadText(IReadOnlyDictionary<string, ParameterValue> parameters, string name, out string? text, out string? error)
    {
        text = null;
        error = null;
        if (!parameters.TryGetValue(name, out var value) || value.Kind == ParameterKind.Null)
        {
            return true;
        }

        if (!value.IsScalarText)
        {
            error = $"{name} must be a string";
            return false;
        }

        text = value.Text;
        return true;
    }

    private static bool TryReadBadge(IReadOnlyDictionary<string, ParameterValue> parameters, out int? badge, out string? error)
    {
        badge = null;
        error = null;
        if (!parameters.TryGetValue("badge", out var value) || value.Kind == ParameterKind.Null)
        {
            return true;
        }

        if (value.IsScalarText
            && value.Text!.Length > 0
            && value.Text.All(char.IsAsciiDigit)
            && int.TryParse(value.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            badge = count;
            return true;
        }

        error = "badge must be a non-negative integer";
        return false;
    }
}
