namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>A theory that runs the Bicep CLI, skipped with the reason where the packaged executable cannot run.</summary>
internal sealed class BicepCliTheoryAttribute : TheoryAttribute
{
    public BicepCliTheoryAttribute()
    {
        if (!BicepCli.CanRun)
        {
            Skip = "The Bicep CLI from Azure.Bicep.CommandLine.linux-x64 runs on linux-x64 only.";
        }
    }
}
