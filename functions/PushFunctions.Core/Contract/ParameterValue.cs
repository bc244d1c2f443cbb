namespace PushFunctions.Core.Contract;

/// <summary>
/// One request parameter, neutral to where it came from (JSON body, form body, query string), so the
/// contract's rules are written once. Numbers keep their literal text: `vibrate: 2000` passes on as "2000".
/// </summary>
public sealed record ParameterValue(
    ParameterKind Kind, string? Text, IReadOnlyList<ParameterValue> Items, IReadOnlyDictionary<string, ParameterValue>? Properties = null)
{
    private static readonly ParameterValue NullValue = new(ParameterKind.Null, null, []);

    public static ParameterValue FromText(string text) => new(ParameterKind.Text, text, []);

    public static ParameterValue FromNumber(string literal) => new(ParameterKind.Number, literal, []);

    public static ParameterValue FromBoolean(bool value) => new(ParameterKind.Boolean, value ? "true" : "false", []);

    public static ParameterValue FromList(IReadOnlyList<ParameterValue> items) => new(ParameterKind.List, null, items);

    public static ParameterValue Null => NullValue;

    /// <summary>A JSON object, or Rails-style nested form fields (<c>attributes[login]=u1</c>).</summary>
    public static ParameterValue FromStructure(IReadOnlyDictionary<string, ParameterValue> properties) =>
        new(ParameterKind.Structure, null, [], properties);

    /// <summary>Text and numbers are both "a string" to the original server, which read every value with to_s.</summary>
    public bool IsScalarText => Kind is ParameterKind.Text or ParameterKind.Number;
}
