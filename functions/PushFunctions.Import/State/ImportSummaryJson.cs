using System.Text.Json;
using System.Text.Json.Serialization;
using PushFunctions.Import.Importing;

namespace PushFunctions.Import.State;

/// <summary>The summary as JSON (snake_case, like the gateway's other documents): stored with the import state, printed by the command.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ImportSummary))]
public sealed partial class ImportSummaryJson : JsonSerializerContext
{
    public static string Serialize(ImportSummary summary) => JsonSerializer.Serialize(summary, Default.ImportSummary);

    public static ImportSummary Deserialize(string json) =>
        JsonSerializer.Deserialize(json, Default.ImportSummary) ?? throw new JsonException("The stored import summary is null.");
}
