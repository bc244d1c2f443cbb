using System.Text.Json;

namespace PushFunctions.UnitTests.Infrastructure;

public sealed class MainParametersTests
{
    private static readonly IReadOnlyList<string> SuppliedNames = ReadSuppliedNames();

    [Fact]
    public void Every_parameter_in_main_parameters_json_is_declared_in_main_bicep()
    {
        var declared = InfrastructureFiles.Main.Parameters.Select(parameter => parameter.Name);

        Assert.Empty(SuppliedNames.Except(declared, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_main_bicep_parameter_without_a_default_is_supplied_by_main_parameters_json()
    {
        var required = InfrastructureFiles.Main.Parameters.Where(parameter => parameter.IsRequired).Select(parameter => parameter.Name).ToList();

        Assert.NotEmpty(required);
        Assert.Empty(required.Except(SuppliedNames, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_supplied_value_comes_from_an_azd_environment_variable()
    {
        using var document = JsonDocument.Parse(RepositoryRoot.ReadAllText("infra", "main.parameters.json"));
        var values = document.RootElement.GetProperty("parameters").EnumerateObject()
            .Select(parameter => (parameter.Name, Value: parameter.Value.GetProperty("value").GetString() ?? ""));

        Assert.All(values, parameter => Assert.Matches(@"^\$\{[A-Z][A-Z0-9_]*(=[^}]*)?\}$", parameter.Value));
    }

    private static List<string> ReadSuppliedNames()
    {
        using var document = JsonDocument.Parse(RepositoryRoot.ReadAllText("infra", "main.parameters.json"));
        return document.RootElement.GetProperty("parameters").EnumerateObject().Select(parameter => parameter.Name).ToList();
    }
}
