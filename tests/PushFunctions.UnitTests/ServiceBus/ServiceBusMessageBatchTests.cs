using System.Text;
using System.Text.Json;
using PushFunctions.Azure.ServiceBus;

namespace PushFunctions.UnitTests.ServiceBus;

public sealed class ServiceBusMessageBatchTests
{
    [Fact]
    public async Task The_batch_counts_its_size_exactly_as_the_request_body_it_becomes()
    {
        var batch = await Sender().CreateMessageBatchAsync();

        Assert.True(batch.TryAddMessage(new ServiceBusMessage("""{"a":"quoted \" text"}""") { MessageId = "one", TimeToLive = TimeSpan.FromHours(1) }));
        Assert.True(batch.TryAddMessage(new ServiceBusMessage("ünïcode")));

        var body = ToRequestBody(batch);
        Assert.Equal(body.Length, batch.SizeInBytes);
        using var parsed = JsonDocument.Parse(body);
        var entries = parsed.RootElement.EnumerateArray().ToList();
        Assert.Equal("""{"a":"quoted \" text"}""", entries[0].GetProperty("Body").GetString());
        Assert.Equal("one", entries[0].GetProperty("BrokerProperties").GetProperty("MessageId").GetString());
        Assert.Equal(3600, entries[0].GetProperty("BrokerProperties").GetProperty("TimeToLive").GetInt64());
        Assert.Equal("ünïcode", entries[1].GetProperty("Body").GetString());
        Assert.False(entries[1].TryGetProperty("BrokerProperties", out _));
    }

    [Fact]
    public async Task A_message_that_would_overflow_the_batch_is_not_added_and_the_batch_is_unchanged()
    {
        var batch = await Sender(maxSize: 100).CreateMessageBatchAsync();
        Assert.True(batch.TryAddMessage(new ServiceBusMessage(new string('a', 60))));
        var size = batch.SizeInBytes;

        Assert.False(batch.TryAddMessage(new ServiceBusMessage(new string('b', 30))));

        Assert.Equal(1, batch.Count);
        Assert.Equal(size, batch.SizeInBytes);
        Assert.True(batch.SizeInBytes <= batch.MaxSizeInBytes);
    }

    [Fact]
    public async Task A_body_that_is_not_utf8_text_cannot_be_batched()
    {
        var batch = await Sender().CreateMessageBatchAsync();

        Assert.Throws<ArgumentException>(() => batch.TryAddMessage(new ServiceBusMessage(new BinaryData(new byte[] { 0xff, 0xfe, 0x00 }))));
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void Message_ids_and_times_to_live_outside_the_service_limits_are_refused()
    {
        var message = new ServiceBusMessage("x");

        Assert.Throws<ArgumentOutOfRangeException>(() => message.MessageId = new string('i', 129));
        Assert.Throws<ArgumentOutOfRangeException>(() => message.MessageId = string.Empty);
        Assert.Throws<ArgumentOutOfRangeException>(() => message.TimeToLive = TimeSpan.FromMilliseconds(500));
        message.MessageId = new string('i', 128);
        Assert.Equal(128, message.MessageId.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a queue")]
    [InlineData("../escape")]
    [InlineData("pings/")]
    public void A_sender_needs_a_valid_entity_name(string name) =>
        Assert.Throws<ArgumentException>(() => new ServiceBusClient("contoso.servicebus.windows.net", new global::Azure.AzureNamedKeyCredential("send", "a2V5")).CreateSender(name));

    private static ServiceBusSender Sender(int maxSize = ServiceBusClientOptions.StandardTierMaxMessageSizeInBytes) =>
        new ServiceBusClient("contoso.servicebus.windows.net", new global::Azure.AzureNamedKeyCredential("send", "a2V5"), new ServiceBusClientOptions { MaxMessageSizeInBytes = maxSize })
            .CreateSender("pings");

    private static string ToRequestBody(ServiceBusMessageBatch batch) => Encoding.UTF8.GetString(batch.ToRequestBody());
}
