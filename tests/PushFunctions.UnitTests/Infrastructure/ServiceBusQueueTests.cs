using System.Xml;

namespace PushFunctions.UnitTests.Infrastructure;

public sealed class ServiceBusQueueTests
{
    private static readonly BicepFile ServiceBus = InfrastructureFiles.App("servicebus.bicep");
    private static readonly Dictionary<string, string> Queue =
        ServiceBus.FirstObjectAfter("queues: [").ToDictionary(property => property.Key, property => ServiceBus.Resolve(property.Value), StringComparer.Ordinal);

    [Fact]
    public void The_namespace_is_standard_with_local_authentication_disabled()
    {
        var namespaceParameters = ServiceBus.FirstObjectAfter("params: {").ToDictionary(property => property.Key, property => property.Value, StringComparer.Ordinal);

        Assert.Equal("true", namespaceParameters["disableLocalAuth"]);
        Assert.Equal("'Standard'", ServiceBus.FirstObjectAfter("skuObject: {").Single(property => property.Key == "name").Value);
    }

    [Fact]
    public void The_ping_queue_dead_letters_after_ten_deliveries_and_on_expiry()
    {
        Assert.Equal("10", Queue["maxDeliveryCount"]);
        Assert.Equal("true", Queue["deadLetteringOnMessageExpiration"]);
    }

    [Fact]
    public void The_ping_queue_detects_duplicates_over_ten_minutes()
    {
        Assert.Equal("true", Queue["requiresDuplicateDetection"]);
        Assert.Equal(TimeSpan.FromMinutes(10), Duration(Queue["duplicateDetectionHistoryTimeWindow"]));
    }

    [Fact]
    public void The_ping_queue_keeps_a_message_longer_than_the_duplicate_window_but_not_past_its_use()
    {
        var timeToLive = Duration(Queue["defaultMessageTimeToLive"]);

        Assert.True(timeToLive > Duration(Queue["duplicateDetectionHistoryTimeWindow"]), $"time to live {timeToLive}");
        // A ping asks devices to sync now; a week-old one only wakes them for nothing.
        Assert.True(timeToLive <= TimeSpan.FromDays(7), $"time to live {timeToLive}");
    }

    [Fact]
    public void The_gateway_keeps_its_own_attempt_budget_rather_than_the_queues_delivery_count()
    {
        // A retry is a new message, so the queue's maxDeliveryCount only bounds the host's retries of a failed answer.
        Assert.Contains("maxDeliveryCount: maxDeliveryCount", ServiceBus.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("PushQueue__MaxDeliveryAttempts", InfrastructureFiles.App("gateway.bicep").Text, StringComparison.Ordinal);
        Assert.DoesNotContain("PushQueue__MaxDeliveryAttempts", InfrastructureFiles.Main.Text, StringComparison.Ordinal);
    }

    private static TimeSpan Duration(string bicepString) => XmlConvert.ToTimeSpan(bicepString.Trim('\''));
}
