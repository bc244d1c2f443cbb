namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>
/// A <c>module</c> declaration: the file or registry reference it deploys, the parameters it passes and the symbols
/// it explicitly waits for (<c>dependsOn</c>).
/// </summary>
internal sealed record BicepModule(string Symbol, string Reference, IReadOnlyList<string> ParameterNames, IReadOnlyList<string> DependsOn)
{
    public bool IsLocalFile => !Reference.StartsWith("br/", StringComparison.Ordinal) && !Reference.StartsWith("ts/", StringComparison.Ordinal);
}
