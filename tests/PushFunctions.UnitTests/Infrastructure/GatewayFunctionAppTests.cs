namespace PushFunctions.UnitTests.Infrastructure;

public sealed class GatewayFunctionAppTests
{
    private static readonly BicepFile Gateway = InfrastructureFiles.App("gateway.bicep");

    /// <summary>
    /// The Flex Consumption stacks API offers a custom-handler stack (runtime custom, version 1.0) for FC1. With it the
    /// host's FUNCTIONS_WORKER_RUNTIME is custom, so it reads the function.json folders; dotnet-isolated would make it
    /// index functions through a .NET isolated worker that this package does not contain. docs/azure.md has the sources.
    /// </summary>
    [Fact]
    public void The_gateway_runs_on_the_custom_handler_stack()
    {
        var runtime = Gateway.FirstObjectAfter("runtime: {").ToDictionary(property => property.Key, property => property.Value, StringComparer.Ordinal);

        Assert.Equal("'custom'", runtime["name"]);
        Assert.Equal("'1.0'", runtime["version"]);
    }

    /// <summary>Flex Consumption derives the worker runtime from functionAppConfig and refuses it as an app setting.</summary>
    [Fact]
    public void No_app_setting_names_the_worker_runtime_on_flex_consumption()
    {
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", Gateway.PropertyKeys);
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", InfrastructureFiles.Main.PropertyKeys);
    }

    [Fact]
    public void The_gateway_runs_on_a_flex_consumption_plan()
    {
        var sku = InfrastructureFiles.Main.FirstObjectAfter("sku: {").ToDictionary(property => property.Key, property => property.Value, StringComparer.Ordinal);

        Assert.Equal("'FC1'", sku["name"]);
        Assert.Equal("'FlexConsumption'", sku["tier"]);
        Assert.Contains("kind: 'functionapp,linux'", Gateway.Text, StringComparison.Ordinal);
    }
}
