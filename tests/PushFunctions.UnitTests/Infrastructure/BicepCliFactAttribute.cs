namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>A fact that runs the Bicep CLI, skipped with the reason where the packaged executable cannot run.</summary>
internal sealed class BicepCliFactAttribute : FactAttribute
{
    public BicepCliFactAttribute()
    {
        if (!BicepCli.CanRun)
        {
            Skip = "The Bicep CLI from Azure.Bicep.CommandLine.linux-x64 runs on linux-x64 only.";
        }
    }
}
