namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>The checkout the tests run from, found by walking up from the test binaries to the solution file.</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> Directory = new(Find);

    public static string PathOf(params string[] relative) => Path.Combine([Directory.Value, .. relative]);

    public static string ReadAllText(params string[] relative) => File.ReadAllText(PathOf(relative));

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PushFunctions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No PushFunctions.sln above {AppContext.BaseDirectory}.");
    }
}
