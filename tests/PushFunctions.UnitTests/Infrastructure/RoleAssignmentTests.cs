using System.Text.RegularExpressions;

namespace PushFunctions.UnitTests.Infrastructure;

public sealed class RoleAssignmentTests
{
    private static readonly BicepFile Rbac = InfrastructureFiles.App("rbac.bicep");

    /// <summary>
    /// Functions' Service Bus trigger documentation lists Azure Service Bus Data Owner for triggers, and the trigger's
    /// scaler reads the queue's runtime properties (ServiceBusMetricsProvider, GetQueueRuntimePropertiesAsync), which
    /// needs the Manage claim: without it Flex Consumption cannot count the queue and delivery may never wake from zero.
    /// </summary>
    [Fact]
    public void The_apps_identity_holds_service_bus_data_owner_so_the_trigger_can_scale()
    {
        // The built-in role's id (Azure built-in roles: Azure Service Bus Data Owner).
        Assert.Contains("serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419'", Rbac.Text, StringComparison.Ordinal);
        Assert.Equal(["roles.serviceBusDataOwner"], ArrayOf("appQueueRoles"));
        Assert.Matches(@"grants\(identityPrincipalId, 'ServicePrincipal', appQueueRoles\)", Rbac.Text);
    }

    [Fact]
    public void The_developer_gets_send_and_receive_on_the_ping_queue_but_not_manage()
    {
        Assert.Equal(["roles.serviceBusDataSender", "roles.serviceBusDataReceiver"], ArrayOf("developerQueueRoles"));
        Assert.Matches(@"grants\(userPrincipalId, userPrincipalType, developerQueueRoles\)", Rbac.Text);
    }

    [BicepCliFact]
    public async Task Service_bus_roles_are_scoped_to_the_ping_queue_which_holds_its_dead_letter_subqueue()
    {
        var (template, _) = await BicepCli.BuildAsync(Rbac.Path);
        Assert.NotNull(template);

        var assignments = ArmTemplate.Resources(template).Single(resource =>
            resource.TryGetProperty("copy", out var copy) && copy.GetProperty("count").GetString()!.Contains("pushQueueGrants", StringComparison.Ordinal));
        Assert.Equal("Microsoft.Authorization/roleAssignments", assignments.GetProperty("type").GetString());
        Assert.Equal(
            "[resourceId('Microsoft.ServiceBus/namespaces/queues', parameters('serviceBusNamespaceName'), parameters('pushQueueName'))]",
            assignments.GetProperty("scope").GetString());
    }

    /// <summary>The items of the multi-line array variable <paramref name="name"/>.</summary>
    private static IReadOnlyList<string> ArrayOf(string name)
    {
        var declaration = Regex.Match(Rbac.Text, $@"^var {Regex.Escape(name)} = \[", RegexOptions.Multiline);
        Assert.True(declaration.Success, $"rbac.bicep declares no array variable {name}");
        return Rbac.ArrayItemsAt(declaration.Index + declaration.Length - 1);
    }
}
