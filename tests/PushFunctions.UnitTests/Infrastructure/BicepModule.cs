namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>A <c>module</c> declaration: the file or registry reference it deploys and the parameters it passes.</summary>
internal sealed record BicepModule(string Symbol, string Reference, IReadOnlyList<string> ParameterNames)
{
    public bool IsLocalFile => !Reference.StartsWith("br/", StringComparison.Ordinal) && !Reference.StartsWith("ts/", StringComparison.Ordinal);
}
