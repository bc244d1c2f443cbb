namespace PushFunctions.IntegrationTests.Packaging;

/// <summary>
/// <c>dotnet publish functions/PushFunctions.Relay -c Release -r linux-x64</c> into a temporary folder, once for the test
/// class: the Native AOT executable App Service runs (infra/app/relay.bicep).
/// </summary>
public sealed class PublishedRelay : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "pushfunctions-relay-" + Guid.NewGuid().ToString("N")[..8]);

    public string Executable => Path.Combine(Directory, "PushFunctions.Relay");

    public Task InitializeAsync() =>
        PublishedPackage.PublishAsync(Path.Combine("functions", "PushFunctions.Relay"), Directory, "-r", "linux-x64");

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }
}
