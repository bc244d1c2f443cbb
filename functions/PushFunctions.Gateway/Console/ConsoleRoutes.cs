namespace PushFunctions.Gateway.Console;

/// <summary>Where the console lives: every page, form, script and data endpoint is below <see cref="Root"/>.</summary>
public static class ConsoleRoutes
{
    public const string Root = "/console";
    public const string SignIn = Root + "/signin";
    public const string Api = Root + "/api";

    /// <summary>Where to go after signing in: a console path, never another site (an open redirect).</summary>
    public static string SafeReturn(string? returnUrl) =>
        returnUrl is not null
        && returnUrl.StartsWith(Root, StringComparison.Ordinal)
        && (returnUrl.Length == Root.Length || returnUrl[Root.Length] is '/' or '?')
        && !returnUrl.Contains('\\', StringComparison.Ordinal)
            ? returnUrl
            : Root;
}
