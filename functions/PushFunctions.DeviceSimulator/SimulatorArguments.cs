namespace PushFunctions.DeviceSimulator;

/// <summary>
/// <c>--relay URL --gateway URL --user U --password P --app APP [--api-token T] [--messages N]</c>.
/// Without an API token the device opens its own session with <c>POST /rc/v1/app/login</c>.
/// </summary>
public sealed record SimulatorArguments(Uri Relay, Uri Gateway, string User, string Password, string App, string? ApiToken, int? Messages)
{
    public const string Usage =
        "usage: PushFunctions.DeviceSimulator --relay URL --gateway URL --user U --password P --app APP [--api-token T] [--messages N]";

    private static readonly string[] Required = ["relay", "gateway", "user", "password", "app"];

    /// <summary>The arguments, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static SimulatorArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                error = $"expected --name value pairs, got '{args[i]}'";
                return null;
            }

            values[args[i][2..]] = args[i + 1];
        }

        var missing = Required.Where(name => !values.ContainsKey(name)).ToList();
        if (missing.Count > 0)
        {
            error = "missing " + string.Join(", ", missing.Select(name => "--" + name));
            return null;
        }

        if (!Uri.TryCreate(values["relay"], UriKind.Absolute, out var relay) || !Uri.TryCreate(values["gateway"], UriKind.Absolute, out var gateway))
        {
            error = "--relay and --gateway must be absolute URLs";
            return null;
        }

        int? messages = null;
        if (values.TryGetValue("messages", out var count))
        {
            if (!int.TryParse(count, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) || parsed <= 0)
            {
                error = "--messages must be a positive number";
                return null;
            }

            messages = parsed;
        }

        error = null;
        return new SimulatorArguments(relay, gateway, values["user"], values["password"], values["app"], values.GetValueOrDefault("api-token"), messages);
    }

    // The password and API token never reach the console.
    public override string ToString() => $"relay {Relay}, gateway {Gateway}, user {User}, app {App}";
}
