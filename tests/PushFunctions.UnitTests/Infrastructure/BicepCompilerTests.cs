namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>
/// The real Bicep CLI over infra/. The registry modules cannot be restored on the build machines, so a file that uses
/// one is checked up to it: no warning at all (linter rules and compiler warnings), and no error but what a module
/// that is not restored causes. docs/azure.md says how the whole template is compiled against the pinned modules.
/// </summary>
public sealed class BicepCompilerTests
{
    /// <summary>
    /// What an unrestored registry module causes: BCP190 at the module, BCP062 where its symbol (or a value made from
    /// it) is used, BCP104 at a local module that contains one; that local module's own run reports its other errors.
    /// </summary>
    private static readonly string[] UnrestoredModuleCodes = ["BCP190", "BCP062", "BCP104"];

    private static readonly IReadOnlyList<string> WithoutRegistryModules =
        InfrastructureFiles.BicepFileNames().Where(file => !UsesRegistryModule(InfrastructureFiles.Bicep(file))).ToList();

    public static TheoryData<string> BicepFiles() => [.. InfrastructureFiles.BicepFileNames()];

    public static TheoryData<string> FilesWithoutRegistryModules() => [.. WithoutRegistryModules];

    [BicepCliTheory]
    [MemberData(nameof(BicepFiles))]
    public async Task Every_bicep_file_lints_without_a_warning(string file)
    {
        var path = RepositoryRoot.PathOf("infra", file);
        var diagnostics = (await BicepCli.LintInfrastructureAsync()).Where(diagnostic => diagnostic.File == path).ToList();

        Assert.DoesNotContain(diagnostics, diagnostic => diagnostic.Level != "error");
        Assert.DoesNotContain(diagnostics, diagnostic => !UnrestoredModuleCodes.Contains(diagnostic.Code));
    }

    [BicepCliTheory]
    [MemberData(nameof(FilesWithoutRegistryModules))]
    public async Task Every_file_without_registry_modules_compiles_without_a_diagnostic(string file)
    {
        var (template, diagnostics) = await BicepCli.BuildAsync(RepositoryRoot.PathOf("infra", file));

        Assert.Empty(diagnostics);
        Assert.NotNull(template);
    }

    [Fact]
    public void The_files_compiled_whole_include_the_app_settings_and_the_role_assignments()
    {
        Assert.Contains(Path.Combine("app", "appsettings.bicep"), WithoutRegistryModules);
        Assert.Contains(Path.Combine("app", "rbac.bicep"), WithoutRegistryModules);
    }

    private static bool UsesRegistryModule(BicepFile bicep) =>
        bicep.Modules.Any(module => !module.IsLocalFile
            || UsesRegistryModule(BicepFile.Load(Path.Combine(Path.GetDirectoryName(bicep.Path)!, module.Reference))));
}
