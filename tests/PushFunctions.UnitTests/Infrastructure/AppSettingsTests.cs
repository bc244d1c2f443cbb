using System.Text.RegularExpressions;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Relay.Configuration;

namespace PushFunctions.UnitTests.Infrastructure;

public sealed partial class AppSettingsTests
{
    /// <summary>Settings the gateway and the Functions host read outside the options classes.</summary>
    private static readonly string[] GatewayConnectionSettings =
    [
        "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "ServiceBusConnection__fullyQualifiedNamespace",
        "ServiceBusConnection__credential",
        "ServiceBusConnection__clientId",
        "AZURE_CLIENT_ID",
        "NotificationHubs__ConnectionString",
        "NotificationHubs__HubName",
        "Rps__RelayUrl",
        "Rps__AppName",
        "Rps__AppPassword",
        "AzureWebJobs.DeliverFromQueue.Disabled",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
    ];

    /// <summary>The relay reaches its tables through the same connection setting as the gateway.</summary>
    private static readonly string[] RelayConnectionSettings =
    [
        "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__clientId",
        "AZURE_CLIENT_ID",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
    ];

    public static TheoryData<string> GatewaySettings() =>
        [.. GatewayConnectionSettings.Concat(OptionsSettingNames.In(typeof(PushQueueOptions).Assembly)).Distinct()];

    public static TheoryData<string> RelaySettings() =>
        [.. RelayConnectionSettings.Concat(OptionsSettingNames.In(typeof(RelayOptions).Assembly)).Distinct()];

    [Theory]
    [MemberData(nameof(GatewaySettings))]
    public void Every_setting_the_gateway_reads_is_set_by_the_bicep_or_documented_as_optional(string setting) =>
        AssertSetOrOptional(setting, "gateway.bicep");

    [Theory]
    [MemberData(nameof(RelaySettings))]
    public void Every_setting_the_relay_reads_is_set_by_the_bicep_or_documented_as_optional(string setting) =>
        AssertSetOrOptional(setting, "relay.bicep");

    [Fact]
    public void Secrets_reach_the_apps_as_key_vault_references_resolved_by_the_user_assigned_identity()
    {
        var gateway = InfrastructureFiles.App("gateway.bicep");
        var relay = InfrastructureFiles.App("relay.bicep");

        Assert.Contains("'@Microsoft.KeyVault(SecretUri=${secretUri})'", InfrastructureFiles.App("appsettings.bicep").Text, StringComparison.Ordinal);
        Assert.Contains("RhoConnect__ApiTokens: keyVaultReference(apiTokensSecretUri)", gateway.Text, StringComparison.Ordinal);
        Assert.Contains("RhoConnect__SessionSecret: keyVaultReference(sessionSecretUri)", gateway.Text, StringComparison.Ordinal);
        Assert.Contains("NotificationHubs__ConnectionString: keyVaultReference(notificationHubsConnectionStringSecretUri)", gateway.Text, StringComparison.Ordinal);
        Assert.Contains("Rps__AppPassword: keyVaultReference(relayAppPasswordSecretUri)", gateway.Text, StringComparison.Ordinal);
        Assert.Contains("Relay__Secret: keyVaultReference(relaySecretUri)", relay.Text, StringComparison.Ordinal);
        Assert.All([gateway, relay], app => Assert.Contains("keyVaultAccessIdentityResourceId: identityId", app.Text, StringComparison.Ordinal));
    }

    /// <summary>
    /// The AVM site module writes appSettingsKeyValuePairs merged with the site's current settings (it reads them with
    /// list() first), so a setting removed from the Bicep would stay on the app for good. A PUT of config/appsettings
    /// replaces the whole set (Web Apps - Update Application Settings).
    /// </summary>
    [Theory]
    [InlineData("gateway.bicep")]
    [InlineData("relay.bicep")]
    public void Each_app_writes_its_settings_whole_through_the_module_that_replaces_them(string file)
    {
        var app = InfrastructureFiles.App(file);

        var settings = Assert.Single(app.Modules, module => module.Reference == "appsettings.bicep");
        Assert.Equal(["siteName", "settings"], settings.ParameterNames);
        Assert.DoesNotContain("appSettingsKeyValuePairs", app.PropertyKeys);
    }

    [BicepCliFact]
    public async Task The_settings_module_puts_exactly_the_settings_it_is_given_and_reads_none_back()
    {
        var (template, _) = await BicepCli.BuildAsync(RepositoryRoot.PathOf("infra", "app", "appsettings.bicep"));
        Assert.NotNull(template);

        var written = ArmTemplate.Resources(template).Where(resource => !resource.TryGetProperty("existing", out var existing) || !existing.GetBoolean());
        var settings = Assert.Single(written);
        Assert.Equal("Microsoft.Web/sites/config", settings.GetProperty("type").GetString());
        Assert.EndsWith("'appsettings')]", settings.GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Equal("[parameters('settings')]", settings.GetProperty("properties").GetString());
        Assert.DoesNotContain("list(", template.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    private static void AssertSetOrOptional(string setting, string appFile)
    {
        var keys = InfrastructureFiles.Main.PropertyKeys.Concat(InfrastructureFiles.App(appFile).PropertyKeys).Select(Normalize);
        var optional = DocumentedSettings.Optional().Select(Normalize);

        Assert.True(
            keys.Contains(Normalize(setting)) || optional.Contains(Normalize(setting)),
            $"{setting} is neither set in main.bicep or {appFile} nor listed under \"Optional settings\" in docs/azure.md.");
    }

    /// <summary>A placeholder, Bicep's <c>${appName}</c> or the docs' <c>{key}</c>, matches any other placeholder.</summary>
    private static string Normalize(string name) => Placeholder().Replace(name, "*");

    [GeneratedRegex(@"\$?\{[^}]*\}")]
    private static partial Regex Placeholder();
}
