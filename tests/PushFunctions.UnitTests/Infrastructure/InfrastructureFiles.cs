namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>The deployment files the consistency tests read.</summary>
internal static class InfrastructureFiles
{
    public static BicepFile Main => Bicep("main.bicep");

    public static BicepFile App(string name) => Bicep("app", name);

    public static BicepFile Bicep(params string[] relative) => BicepFile.Load(RepositoryRoot.PathOf(["infra", .. relative]));

    /// <summary>Every Bicep file under infra/, relative to it, in a stable order.</summary>
    public static IReadOnlyList<string> BicepFileNames() =>
        Directory.EnumerateFiles(RepositoryRoot.PathOf("infra"), "*.bicep", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepositoryRoot.PathOf("infra"), path))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static string ReadHook(string name) => RepositoryRoot.ReadAllText("infra", "hooks", name);
}
