namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>One diagnostic of the Bicep CLI: <see cref="Level"/> is SARIF's (error, warning, note), <see cref="File"/> a full path.</summary>
internal sealed record BicepDiagnostic(string Level, string Code, string Message, string File, int Line)
{
    public override string ToString() => $"{File}({Line}): {Level} {Code}: {Message}";
}
