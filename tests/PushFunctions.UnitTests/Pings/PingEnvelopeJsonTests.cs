using System.Text;
using PushFunctions.Core.Pings;

namespace PushFunctions.UnitTests.Pings;

/// <summary>A message that is not an envelope is refused with a reason of our own, never a NullReferenceException later.</summary>
public sealed class PingEnvelopeJsonTests
{
    [Theory]
    [InlineData("hello", "not a ping envelope: not JSON")]
    [InlineData("", "not a ping envelope: not JSON")]
    [InlineData("{\"id\":", "not a ping envelope: not JSON")]
    [InlineData("null", "not a ping envelope: the envelope is missing")]
    [InlineData("[1,2]", "not a ping envelope: a value of the wrong type at $")]
    [InlineData("{\"id\":\"e\",\"pings\":\"x\"}", "not a ping envelope: a value of the wrong type at $.pings")]
    [InlineData("{}", "not a ping envelope: id is missing")]
    [InlineData("{\"id\":\"e\"}", "not a ping envelope: pings is missing")]
    [InlineData("{\"id\":\"e\",\"pings\":[null]}", "not a ping envelope: pings[0] is missing")]
    [InlineData("{\"id\":\"e\",\"pings\":[{\"user_ids\":[]}]}", "not a ping envelope: pings[0].id is missing")]
    [InlineData("{\"id\":\"e\",\"pings\":[{\"id\":\"e-0\"}]}", "not a ping envelope: pings[0].user_ids is missing")]
    [InlineData("{\"id\":\"e\",\"pings\":[{\"id\":\"e-0\",\"user_ids\":[null]}]}", "not a ping envelope: pings[0].user_ids[] is missing")]
    [InlineData("{\"id\":\"e\",\"pings\":[{\"id\":\"e-0\",\"user_ids\":[\"u\"]}]}", "not a ping envelope: pings[0].notification is missing")]
    [InlineData("{\"id\":\"e\",\"pings\":[{\"id\":\"e-0\",\"user_ids\":[\"u\"],\"notification\":{}}]}", "not a ping envelope: pings[0].notification.sources is missing")]
    [InlineData("{\"id\":\"e\",\"pings\":[{\"id\":\"e-0\",\"user_ids\":[\"u\"],\"notification\":{\"sources\":[null]}}]}", "not a ping envelope: pings[0].notification.sources[] is missing")]
    public void A_message_that_is_not_an_envelope_is_refused_with_a_reason_that_names_what_is_wrong(string message, string reason)
    {
        var refused = Assert.Throws<MalformedEnvelopeException>(() => PingEnvelopeJson.Deserialize(Encoding.UTF8.GetBytes(message)));

        Assert.Equal(reason, refused.Message);
    }

    [Fact]
    public void Binary_bytes_are_refused_as_not_json()
    {
        var refused = Assert.Throws<MalformedEnvelopeException>(() => PingEnvelopeJson.Deserialize([0xff, 0x00, 0x81]));

        Assert.Equal("not a ping envelope: not JSON", refused.Message);
    }

    [Fact]
    public void An_envelope_the_gateway_wrote_reads_back_unchanged()
    {
        var ping = new Ping("e-0", ["u1", "u2"], new Notification(null, null, null, null, []), DateTimeOffset.UnixEpoch);
        var envelope = new PingEnvelope("e", [ping]);

        var read = PingEnvelopeJson.Deserialize(PingEnvelopeJson.Serialize(envelope));

        Assert.Equal("e", read.Id);
        Assert.Equal(["u1", "u2"], Assert.Single(read.Pings).UserIds);
        Assert.True(read.Pings[0].Notification.IsSilent);
    }

    [Fact]
    public void The_trace_context_of_a_ping_and_of_its_envelope_travel_under_their_W3C_names()
    {
        const string accept = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        const string send = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01";
        var ping = new Ping("e-0", ["u1"], new Notification(null, null, null, null, []), DateTimeOffset.UnixEpoch, accept, "vendor=opaque");
        var json = PingEnvelopeJson.Serialize(new PingEnvelope("e", [ping], TraceParent: send));

        var read = PingEnvelopeJson.Deserialize(json);

        Assert.Equal(send, read.TraceParent);
        Assert.Equal((accept, "vendor=opaque"), (read.Pings[0].TraceParent, read.Pings[0].TraceState));
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(send, document.RootElement.GetProperty("traceparent").GetString());
        Assert.Equal(accept, document.RootElement.GetProperty("pings")[0].GetProperty("traceparent").GetString());
    }

    [Fact]
    public void An_envelope_without_trace_context_says_nothing_of_it()
    {
        var ping = new Ping("e-0", ["u1"], new Notification(null, null, null, null, []), DateTimeOffset.UnixEpoch);

        var json = System.Text.Encoding.UTF8.GetString(PingEnvelopeJson.Serialize(new PingEnvelope("e", [ping])));

        Assert.DoesNotContain("trace", json, StringComparison.Ordinal);
    }
}
