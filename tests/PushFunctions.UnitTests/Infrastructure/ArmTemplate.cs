using System.Text.Json;

namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>Reading a template the Bicep CLI compiled.</summary>
internal static class ArmTemplate
{
    /// <summary>Every resource the template declares; language version 2.0 keys them by symbol, 1.0 lists them.</summary>
    public static IEnumerable<JsonElement> Resources(JsonDocument template)
    {
        var resources = template.RootElement.GetProperty("resources");
        return resources.ValueKind == JsonValueKind.Object ? resources.EnumerateObject().Select(property => property.Value) : resources.EnumerateArray();
    }
}
