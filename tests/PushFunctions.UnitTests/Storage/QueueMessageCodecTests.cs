using PushFunctions.Azure.Queues;

namespace PushFunctions.UnitTests.Storage;

public sealed class QueueMessageCodecTests
{
    [Fact]
    public void Base64_encoding_round_trips_any_text()
    {
        const string text = "Grüße 👋 \u0000 <x/>";

        string queued = QueueMessageCodec.Encode(text, QueueMessageEncoding.Base64);

        Assert.Equal(text, QueueMessageCodec.Decode(queued, QueueMessageEncoding.Base64));
    }

    [Fact]
    public void The_64_KiB_limit_applies_to_the_encoded_form()
    {
        string text = new('x', 50 * 1024);

        Assert.Equal(text, QueueMessageCodec.Encode(text, QueueMessageEncoding.None));
        Assert.Throws<ArgumentException>(() => QueueMessageCodec.Encode(text, QueueMessageEncoding.Base64));
    }

    [Fact]
    public void A_message_that_is_not_base64_on_a_base64_queue_comes_back_as_it_was_put()
    {
        Assert.Equal("{\"raw\":true}", QueueMessageCodec.Decode("{\"raw\":true}", QueueMessageEncoding.Base64));
    }
}
