using System.Text.Json;

namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>A local.settings.json as the Functions Core Tools read it: the app settings are its "Values".</summary>
internal static class LocalSettingsFile
{
    public static Dictionary<string, string> ReadValues(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(value => value.Name, value => value.Value.GetString() ?? "", StringComparer.Ordinal);
    }
}
