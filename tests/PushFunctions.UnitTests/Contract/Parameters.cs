using PushFunctions.Core.Contract;

namespace PushFunctions.UnitTests.Contract;

/// <summary>Request parameters as the gateway's reader hands them to the parser.</summary>
internal static class Parameters
{
    public static Dictionary<string, ParameterValue> Of(params (string Name, ParameterValue Value)[] parameters) =>
        parameters.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

    public static ParameterValue Text(string text) => ParameterValue.FromText(text);

    public static ParameterValue Number(string literal) => ParameterValue.FromNumber(literal);

    public static ParameterValue List(params string[] items) => ParameterValue.FromList(items.Select(ParameterValue.FromText).ToList());
}
