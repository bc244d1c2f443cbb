using System.Text.Json;
using System.Text.RegularExpressions;
using PushFunctions.Azure.Configuration;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Delivery;
using PushFunctions.Gateway.Retention;
using PushFunctions.UnitTests.Infrastructure;

namespace PushFunctions.UnitTests.ServiceBus;

/// <summary>
/// The app sends and the host's trigger receives through the same settings: the Bicep sets them in Azure, and
/// docs/functions-host.md explains each one a local run under the Functions host uses.
/// </summary>
public sealed partial class ServiceBusFunctionSettingsTests
{
    private static readonly string[] IdentityConnectionSuffixes =
    [
        "__" + FunctionsConnection.FullyQualifiedNamespaceSetting,
        "__" + FunctionsConnection.CredentialSetting,
        "__" + FunctionsConnection.ClientIdSetting,
    ];

    [Fact]
    public void The_service_bus_trigger_binds_the_connection_and_the_queue_the_app_sends_to()
    {
        var trigger = Trigger(FunctionInvocationEndpoints.ServiceBusFunction);

        Assert.Equal("serviceBusTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(FunctionInvocationEndpoints.MessageBinding, trigger.GetProperty("name").GetString());
        Assert.Equal(AzureClientRegistration.ServiceBusConnection, trigger.GetProperty("connection").GetString());
        // The host resolves %...% from its configuration, where "__" in a setting's name has become ":".
        Assert.Equal($"%{PushQueueOptions.Section}:{nameof(PushQueueOptions.QueueName)}%", trigger.GetProperty("queueName").GetString());
    }

    [Fact]
    public void The_bicep_gives_the_app_and_the_trigger_an_identity_based_connection_as_the_managed_identity()
    {
        var gateway = InfrastructureFiles.App("gateway.bicep");

        Assert.All(IdentityConnectionSuffixes, suffix => Assert.Contains(AzureClientRegistration.ServiceBusConnection + suffix, gateway.PropertyKeys));
        Assert.Contains($"{AzureClientRegistration.ServiceBusConnection}__{FunctionsConnection.CredentialSetting}: 'managedidentity'", gateway.Text, StringComparison.Ordinal);
        Assert.Contains("PushQueue__Transport: 'ServiceBus'", gateway.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_setting_of_a_local_run_under_the_host_is_explained_in_the_functions_host_doc()
    {
        using var sample = JsonDocument.Parse(RepositoryRoot.ReadAllText("local.settings.sample.json"));
        var used = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name)
            .Concat(HookSetting().Matches(InfrastructureFiles.ReadHook("postprovision.sh")).Select(m => m.Groups["name"].Value))
            .Concat(IdentityConnectionSuffixes.Select(suffix => AzureClientRegistration.ServiceBusConnection + suffix))
            .Append(AzureClientRegistration.ServiceBusConnection)
            .Append($"{PushQueueOptions.Section}__{nameof(PushQueueOptions.TimeToLive)}")
            .ToHashSet(StringComparer.Ordinal);

        var explained = DocumentedSettings();

        Assert.Empty(used.Except(explained).Order());
    }

    [Fact]
    public void Every_function_switched_off_by_a_setting_exists()
    {
        var switches = DocumentedSettings()
            .Concat(InfrastructureFiles.App("gateway.bicep").PropertyKeys)
            .Select(name => DisabledSwitch().Match(name))
            .Where(match => match.Success)
            .Select(match => match.Groups["function"].Value)
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(
            [FunctionInvocationEndpoints.DeadLetterFunction, FunctionInvocationEndpoints.StorageQueueFunction, FunctionInvocationEndpoints.ServiceBusFunction, RetentionFunctionEndpoints.ExpiryFunction],
            switches.Order());
        Assert.All(switches, function => Assert.True(File.Exists(FunctionJson(function)), $"{function} has no function folder"));
    }

    private static string FunctionJson(string function) =>
        RepositoryRoot.PathOf("functions", "PushFunctions.Gateway", "Functions", function, "function.json");

    private static JsonElement Trigger(string function)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FunctionJson(function)));
        return document.RootElement.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("direction").GetString() == "in").Clone();
    }

    /// <summary>The first column of the table under "## Settings" in docs/functions-host.md.</summary>
    private static HashSet<string> DocumentedSettings()
    {
        var lines = RepositoryRoot.ReadAllText("docs", "functions-host.md").ReplaceLineEndings("\n").Split('\n');
        var heading = Array.IndexOf(lines, "## Settings");
        Assert.True(heading >= 0, "docs/functions-host.md has no \"## Settings\" section.");
        return lines.Skip(heading + 1).TakeWhile(line => !line.StartsWith('#'))
            .Select(line => FirstCell().Match(line)).Where(match => match.Success)
            .Select(match => match.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^\s*setting (?<name>[A-Za-z0-9_.]+) ", RegexOptions.Multiline)]
    private static partial Regex HookSetting();

    [GeneratedRegex(@"^\|\s*`(?<name>[^`]+)`")]
    private static partial Regex FirstCell();

    [GeneratedRegex(@"^AzureWebJobs\.(?<function>[A-Za-z0-9]+)\.Disabled$")]
    private static partial Regex DisabledSwitch();
}
