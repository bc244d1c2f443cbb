namespace PushFunctions.UnitTests.Infrastructure;

public sealed class ModuleTests
{
    public static TheoryData<string> BicepFiles() => [.. InfrastructureFiles.BicepFileNames()];

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Every_registry_module_is_a_pinned_azure_verified_module(string file)
    {
        var registryModules = InfrastructureFiles.Bicep(file).Modules.Where(module => !module.IsLocalFile);

        Assert.All(registryModules, module => Assert.Matches(@"^br/public:avm/(res|ptn|utl)/[a-z0-9-]+/[a-z0-9-]+:\d+\.\d+\.\d+$", module.Reference));
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Every_local_module_gets_all_its_required_parameters_and_only_parameters_it_declares(string file)
    {
        var bicep = InfrastructureFiles.Bicep(file);
        foreach (var module in bicep.Modules.Where(module => module.IsLocalFile))
        {
            var path = Path.Combine(Path.GetDirectoryName(bicep.Path)!, module.Reference);
            Assert.True(File.Exists(path), $"{file}: module {module.Symbol} refers to missing {module.Reference}");
            var declared = BicepFile.Load(path).Parameters;

            var undeclared = module.ParameterNames.Except(declared.Select(parameter => parameter.Name), StringComparer.Ordinal);
            var missing = declared.Where(parameter => parameter.IsRequired).Select(parameter => parameter.Name).Except(module.ParameterNames, StringComparer.Ordinal);

            Assert.True(!undeclared.Any(), $"{file}: module {module.Symbol} passes undeclared {string.Join(", ", undeclared)}");
            Assert.True(!missing.Any(), $"{file}: module {module.Symbol} misses required {string.Join(", ", missing)}");
        }
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Every_bracket_pairs_up(string file)
    {
        Assert.Null(InfrastructureFiles.Bicep(file).BracketProblem());
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Every_output_read_from_a_local_module_is_declared_by_it(string file)
    {
        var bicep = InfrastructureFiles.Bicep(file);
        foreach (var module in bicep.Modules.Where(module => module.IsLocalFile))
        {
            var declared = BicepFile.Load(Path.Combine(Path.GetDirectoryName(bicep.Path)!, module.Reference)).OutputNames;
            var undeclared = bicep.OutputsReadFrom(module.Symbol).Except(declared, StringComparer.Ordinal);

            Assert.True(!undeclared.Any(), $"{file}: {module.Symbol} has no output {string.Join(", ", undeclared)}");
        }
    }

    [Fact]
    public void Main_deploys_at_subscription_scope_and_tags_everything_with_the_environment_name()
    {
        var main = InfrastructureFiles.Main.Text;

        Assert.Contains("targetScope = 'subscription'", main, StringComparison.Ordinal);
        Assert.Contains("'azd-env-name': environmentName", main, StringComparison.Ordinal);
        Assert.Contains("uniqueString(subscription().id, environmentName, location)", main, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gateway.bicep", "gateway")]
    [InlineData("relay.bicep", "relay")]
    public void Each_app_carries_the_azd_service_name_of_its_azure_yaml_service(string file, string service)
    {
        Assert.Contains($"'azd-service-name': '{service}'", InfrastructureFiles.App(file).Text, StringComparison.Ordinal);
        Assert.Contains($"  {service}:\n", RepositoryRoot.ReadAllText("azure.yaml").ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    /// <summary>
    /// An app's first start resolves its Key Vault references, opens host storage and starts the Service Bus trigger,
    /// all as the user-assigned identity: created before its role assignments, it would start without them (and App
    /// Service keeps an unresolved Key Vault reference until the next restart or for up to a day).
    /// </summary>
    [Theory]
    [InlineData("gateway")]
    [InlineData("relay")]
    public void Each_app_is_created_only_after_the_role_assignments_it_starts_with(string app)
    {
        var modules = InfrastructureFiles.Main.Modules;
        var rbac = Assert.Single(modules, module => module.Reference == "app/rbac.bicep");

        Assert.Contains(rbac.Symbol, modules.Single(module => module.Symbol == app).DependsOn);
    }
}
