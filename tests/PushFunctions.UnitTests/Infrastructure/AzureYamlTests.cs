using System.Text.Json;
using System.Text.RegularExpressions;

namespace PushFunctions.UnitTests.Infrastructure;

public sealed partial class AzureYamlTests
{
    private static readonly string AzureYaml = RepositoryRoot.ReadAllText("azure.yaml").ReplaceLineEndings("\n");

    [Theory]
    [InlineData("gateway", "function", "PushFunctions.Gateway")]
    [InlineData("relay", "appservice", "PushFunctions.Relay")]
    public void Each_service_deploys_its_dotnet_project_to_its_host(string service, string host, string project)
    {
        var block = ServiceBlock(service);

        Assert.Contains($"project: ./functions/{project}\n", block, StringComparison.Ordinal);
        Assert.Contains("language: dotnet\n", block, StringComparison.Ordinal);
        Assert.Contains($"host: {host}\n", block, StringComparison.Ordinal);
        Assert.True(File.Exists(RepositoryRoot.PathOf("functions", project, project + ".csproj")), $"{project}.csproj is missing");
    }

    /// <summary>
    /// azd deploys every service of azure.yaml whose condition is true (azd 1.23.4 and later, ServiceConfig.Condition);
    /// a relay service with no relay app to deploy to fails the whole `azd up`.
    /// </summary>
    [Fact]
    public void Azd_deploys_the_relay_exactly_when_the_bicep_provisions_it()
    {
        var condition = Condition().Match(ServiceBlock("relay"));
        Assert.True(condition.Success, "the relay service of azure.yaml has no condition");

        using var parameters = JsonDocument.Parse(RepositoryRoot.ReadAllText("infra", "main.parameters.json"));
        var relayEnabled = parameters.RootElement.GetProperty("parameters").GetProperty("relayEnabled").GetProperty("value").GetString();
        Assert.Equal(relayEnabled, condition.Groups["value"].Value);
        Assert.Matches(@"(?m)^module relay 'app/relay\.bicep' = if \(relayEnabled\) \{", InfrastructureFiles.Main.Text);
        Assert.DoesNotMatch(Condition(), ServiceBlock("gateway"));
    }

    [Fact]
    public void Every_hook_script_azure_yaml_runs_exists_for_both_shells()
    {
        var scripts = HookScript().Matches(AzureYaml).Select(match => match.Groups["path"].Value).ToList();

        Assert.Equal(
            ["infra/hooks/postprovision.ps1", "infra/hooks/postprovision.sh", "infra/hooks/preprovision.ps1", "infra/hooks/preprovision.sh"],
            scripts.Order(StringComparer.Ordinal));
        Assert.All(scripts, script => Assert.True(File.Exists(RepositoryRoot.PathOf(script.Split('/'))), $"{script} is missing"));
    }

    [Fact]
    public void Local_settings_the_postprovision_hook_writes_are_ignored_by_git()
    {
        var ignored = RepositoryRoot.ReadAllText(".gitignore").ReplaceLineEndings("\n").Split('\n');

        Assert.Contains("local.settings.json", ignored);
        Assert.Contains(".azure/", ignored);
    }

    /// <summary>The lines below <c>  {service}:</c> that are indented deeper, each ending in a line break.</summary>
    private static string ServiceBlock(string service)
    {
        var lines = AzureYaml.Split('\n');
        var start = Array.IndexOf(lines, $"  {service}:");
        Assert.True(start >= 0, $"azure.yaml has no service {service}");
        return string.Concat(lines.Skip(start + 1).TakeWhile(line => line.StartsWith("    ", StringComparison.Ordinal)).Select(line => line + "\n"));
    }

    [GeneratedRegex(@"run: \./(?<path>infra/hooks/[\w.]+)")]
    private static partial Regex HookScript();

    [GeneratedRegex(@"(?m)^    condition: (?<value>.+)$")]
    private static partial Regex Condition();
}
