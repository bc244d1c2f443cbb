using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PushFunctions.UnitTests.Infrastructure;

// The posix hooks run under sh, as azd runs them on Linux and macOS; file modes are a Unix notion too.
[UnsupportedOSPlatform("windows")]
public sealed partial class ProvisionHookTests
{
    private const string ConnectionString = "Endpoint=sb://ntfns-test.servicebus.windows.net/;SharedAccessKeyName=gateway-send;SharedAccessKey=c2VjcmV0+/=";

    /// <summary>What azd passes a postprovision hook: Bicep outputs plus the secrets of the preprovision hook.</summary>
    private static readonly Dictionary<string, string> AzdEnvironment = new(StringComparer.Ordinal)
    {
        ["AZURE_RESOURCE_GROUP"] = "rg-test",
        ["AZURE_KEY_VAULT_NAME"] = "kv-test",
        ["NOTIFICATIONHUBS_CONNECTION_STRING_SECRET_NAME"] = "notificationhubs-connection-string",
        ["NOTIFICATIONHUBS_HUB_NAME"] = "ntf-push-test",
        ["AZURE_STORAGE_ACCOUNT_NAME"] = "sttest",
        ["SERVICEBUS_FULLY_QUALIFIED_NAMESPACE"] = "sb-test.servicebus.windows.net",
        ["SERVICEBUS_QUEUE_NAME"] = "pings",
        ["SERVICE_RELAY_URL"] = "https://app-relay-test.azurewebsites.net",
        ["RPS_APP_NAME"] = "rhoconnect",
        ["RELAY_APP_PASSWORD"] = "relay\"pass\\word",
        ["RHOCONNECT_API_TOKENS"] = "new-token,old-token",
        ["RHOCONNECT_SESSION_SECRET"] = "session-key",
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000",
    };

    [Fact]
    public async Task Postprovision_writes_local_settings_from_the_azd_environment_and_key_vault()
    {
        using var checkout = CheckoutWithHook("postprovision.sh");
        var az = checkout.WriteExecutable("bin/az", $$"""
            #!/bin/sh
            [ "$*" = "keyvault secret show --vault-name kv-test --name notificationhubs-connection-string --query value --output tsv" ] || exit 2
            echo '{{ConnectionString}}'
            """);

        var (exitCode, _, error) = await ShellScript.RunAsync(Path.Combine(checkout.Path, "infra", "hooks", "postprovision.sh"), AzdEnvironment, Path.GetDirectoryName(az));

        Assert.True(exitCode == 0, error);
        var values = LocalSettingsFile.ReadValues(Path.Combine(checkout.Path, "local.settings.json"));
        Assert.Equal(ConnectionString, values["NotificationHubs__ConnectionString"]);
        Assert.Equal("new-token,old-token", values["RhoConnect__ApiTokens"]);
        Assert.Equal("session-key", values["RhoConnect__SessionSecret"]);
        Assert.Equal("relay\"pass\\word", values["Rps__AppPassword"]);
        Assert.Equal("sttest", values["AzureWebJobsStorage__accountName"]);
        Assert.Equal("sb-test.servicebus.windows.net", values["ServiceBusConnection__fullyQualifiedNamespace"]);
        Assert.Equal("ServiceBus", values["PushQueue__Transport"]);
        // The gateway counts its attempts across retry messages; the queue's maxDeliveryCount is not its budget.
        Assert.False(values.ContainsKey("PushQueue__MaxDeliveryAttempts"));
        Assert.Equal("true", values["AzureWebJobs.DeliverFromQueue.Disabled"]);
    }

    [Fact]
    public async Task Postprovision_makes_local_settings_readable_by_its_owner_only()
    {
        using var checkout = CheckoutWithHook("postprovision.sh");

        await ShellScript.RunAsync(Path.Combine(checkout.Path, "infra", "hooks", "postprovision.sh"), AzdEnvironment, FailingAz(checkout));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(checkout.Path, "local.settings.json")));
    }

    [Fact]
    public async Task Postprovision_without_key_vault_access_leaves_the_connection_string_empty_and_says_how_to_fix_it()
    {
        using var checkout = CheckoutWithHook("postprovision.sh");

        var (exitCode, _, error) = await ShellScript.RunAsync(Path.Combine(checkout.Path, "infra", "hooks", "postprovision.sh"), AzdEnvironment, FailingAz(checkout));

        Assert.Equal(0, exitCode);
        Assert.Equal("", LocalSettingsFile.ReadValues(Path.Combine(checkout.Path, "local.settings.json"))["NotificationHubs__ConnectionString"]);
        Assert.Contains("azd hooks run postprovision", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preprovision_generates_missing_secrets_keeps_existing_ones_and_prints_none()
    {
        using var checkout = CheckoutWithHook("preprovision.sh");
        var store = Directory.CreateDirectory(Path.Combine(checkout.Path, "azd-env")).FullName;
        File.WriteAllText(Path.Combine(store, "RELAY_SECRET"), "chosen-secret");
        // Stands in for `azd env get-value` (fails for an unknown key) and `azd env set`.
        var azd = checkout.WriteExecutable("bin/azd", $$"""
            #!/bin/sh
            case "$1 $2" in
              "env get-value") [ -f "{{store}}/$3" ] || { echo "ERROR: key '$3' not found" >&2; exit 1; }; cat "{{store}}/$3" ;;
              "env set") printf '%s' "$4" > "{{store}}/$3" ;;
              *) exit 2 ;;
            esac
            """);

        var (exitCode, output, error) = await ShellScript.RunAsync(
            Path.Combine(checkout.Path, "infra", "hooks", "preprovision.sh"), new Dictionary<string, string>(), Path.GetDirectoryName(azd));

        Assert.True(exitCode == 0, error);
        var apiTokens = File.ReadAllText(Path.Combine(store, "RHOCONNECT_API_TOKENS"));
        var appPassword = File.ReadAllText(Path.Combine(store, "RELAY_APP_PASSWORD"));
        Assert.Equal("chosen-secret", File.ReadAllText(Path.Combine(store, "RELAY_SECRET")));
        Assert.Matches("^[0-9a-f]{64}$", apiTokens);
        Assert.Matches("^[0-9a-f]{64}$", appPassword);
        Assert.NotEqual(apiTokens, appPassword);
        Assert.DoesNotContain(apiTokens, output + error, StringComparison.Ordinal);
        Assert.DoesNotContain(appPassword, output + error, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_postprovision_hooks_write_the_same_settings()
    {
        var posix = ShellSettings().Matches(InfrastructureFiles.ReadHook("postprovision.sh")).Select(match => match.Groups["name"].Value);
        var windows = PowerShellSettings().Matches(InfrastructureFiles.ReadHook("postprovision.ps1")).Select(match => match.Groups["name"].Value);

        Assert.Equal(posix.Order(StringComparer.Ordinal), windows.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Local_settings_hold_every_sample_setting_with_the_cloud_account_and_the_service_bus_trigger()
    {
        using var sample = JsonDocument.Parse(RepositoryRoot.ReadAllText("local.settings.sample.json"));
        var written = ShellSettings().Matches(InfrastructureFiles.ReadHook("postprovision.sh")).Select(match => match.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        // Against the cloud the account is named (no shared key), and the Storage-queue trigger is the one switched off.
        var replaced = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AzureWebJobsStorage"] = "AzureWebJobsStorage__accountName",
            ["AzureWebJobs.DeliverFromServiceBus.Disabled"] = "AzureWebJobs.DeliverFromQueue.Disabled",
        };

        var expected = sample.RootElement.GetProperty("Values").EnumerateObject().Select(setting => replaced.GetValueOrDefault(setting.Name, setting.Name));

        Assert.Empty(expected.Except(written, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_variable_the_hooks_read_is_a_bicep_output_or_a_secret_the_preprovision_hook_sets()
    {
        var known = InfrastructureFiles.Main.OutputNames
            .Concat(GeneratedSecrets().Matches(InfrastructureFiles.ReadHook("preprovision.sh")).Select(match => match.Groups["name"].Value))
            .ToHashSet(StringComparer.Ordinal);
        var read = ShellVariables().Matches(InfrastructureFiles.ReadHook("postprovision.sh"))
            .Concat(PowerShellVariables().Matches(InfrastructureFiles.ReadHook("postprovision.ps1")))
            .Select(match => match.Groups["name"].Value)
            .Distinct();

        Assert.Empty(read.Except(known, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_secret_the_preprovision_hook_sets_feeds_a_bicep_parameter_in_both_shells()
    {
        var posix = GeneratedSecrets().Matches(InfrastructureFiles.ReadHook("preprovision.sh")).Select(match => match.Groups["name"].Value).ToList();
        var windows = GeneratedSecretsPowerShell().Matches(InfrastructureFiles.ReadHook("preprovision.ps1")).Select(match => match.Groups["name"].Value);
        var parameters = RepositoryRoot.ReadAllText("infra", "main.parameters.json");

        Assert.NotEmpty(posix);
        Assert.Equal(posix.Order(StringComparer.Ordinal), windows.Order(StringComparer.Ordinal));
        Assert.All(posix, name => Assert.Contains($"\"${{{name}}}\"", parameters, StringComparison.Ordinal));
    }

    private static TemporaryDirectory CheckoutWithHook(string hook)
    {
        var checkout = new TemporaryDirectory();
        checkout.WriteFile(Path.Combine("infra", "hooks", hook), InfrastructureFiles.ReadHook(hook));
        return checkout;
    }

    private static string FailingAz(TemporaryDirectory checkout) =>
        Path.GetDirectoryName(checkout.WriteExecutable("bin/az", "#!/bin/sh\necho 'ERROR: Forbidden' >&2\nexit 1\n"))!;


    [GeneratedRegex(@"^\s*setting\s+(?<name>[A-Za-z_][\w.]*)\s", RegexOptions.Multiline)]
    private static partial Regex ShellSettings();

    [GeneratedRegex(@"^\s*'(?<name>[A-Za-z_][\w.]*)'\s*=", RegexOptions.Multiline)]
    private static partial Regex PowerShellSettings();

    [GeneratedRegex(@"\$\{?(?<name>[A-Z][A-Z0-9_]+)")]
    private static partial Regex ShellVariables();

    [GeneratedRegex(@"\$env:(?<name>[A-Z][A-Z0-9_]+)")]
    private static partial Regex PowerShellVariables();

    [GeneratedRegex(@"^ensure_secret\s+(?<name>[A-Z][A-Z0-9_]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex GeneratedSecrets();

    [GeneratedRegex(@"^Set-SecretIfMissing\s+'(?<name>[A-Z][A-Z0-9_]+)'\s*$", RegexOptions.Multiline)]
    private static partial Regex GeneratedSecretsPowerShell();
}
