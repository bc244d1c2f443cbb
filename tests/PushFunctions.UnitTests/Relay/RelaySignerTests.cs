using PushFunctions.Relay.Security;

namespace PushFunctions.UnitTests.Relay;

public sealed class RelaySignerTests
{
    private const string Secret = "unit-test-secret-0123456789abcdefghijklmnop";
    private readonly RelaySigner signer = new(Secret);

    [Fact]
    public void An_issued_value_verifies_for_its_purpose_and_subject()
    {
        var value = signer.Issue(SignedPurpose.Instance, "alice");

        Assert.True(signer.Verify(SignedPurpose.Instance, "alice", value));
    }

    [Fact]
    public void An_issued_value_has_the_originals_nonce_colon_signature_shape()
    {
        var value = signer.Issue(SignedPurpose.RegistrationToken, "app");

        var parts = value.Split(':');
        Assert.Equal(2, parts.Length);
        Assert.Equal(32, parts[0].Length);
        Assert.All(parts[0], c => Assert.True(char.IsAsciiHexDigitLower(c)));
    }

    [Fact]
    public void Each_issue_gives_a_new_value()
    {
        Assert.NotEqual(signer.Issue(SignedPurpose.InstanceCookie, "i"), signer.Issue(SignedPurpose.InstanceCookie, "i"));
    }

    [Fact]
    public void A_value_does_not_verify_for_another_subject()
    {
        var value = signer.Issue(SignedPurpose.Instance, "alice");

        Assert.False(signer.Verify(SignedPurpose.Instance, "bob", value));
    }

    [Fact]
    public void A_value_does_not_verify_for_another_purpose()
    {
        var instance = signer.Issue(SignedPurpose.Instance, "alice");

        Assert.False(signer.Verify(SignedPurpose.InstanceCookie, "alice", instance));
        Assert.False(signer.Verify(SignedPurpose.RegistrationToken, "alice", instance));
    }

    [Fact]
    public void A_value_signed_with_another_secret_does_not_verify()
    {
        var other = new RelaySigner("another-secret-0123456789abcdefghijklmnopq");

        Assert.False(signer.Verify(SignedPurpose.Instance, "alice", other.Issue(SignedPurpose.Instance, "alice")));
    }

    [Fact]
    public void A_value_with_a_changed_nonce_does_not_verify()
    {
        var value = signer.Issue(SignedPurpose.Instance, "alice");
        var changed = (value[0] == 'a' ? "b" : "a") + value[1..];

        Assert.False(signer.Verify(SignedPurpose.Instance, "alice", changed));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("nonsense")]
    [InlineData("0123456789abcdef0123456789abcdef:")]
    [InlineData("0123456789abcdef0123456789abcdef:not base64!")]
    [InlineData("0123456789abcdef0123456789abcdef:AAAA")]
    public void Malformed_values_do_not_verify(string? value)
    {
        Assert.False(signer.Verify(SignedPurpose.Instance, "alice", value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("too-short")]
    public void A_missing_or_short_secret_is_refused_at_construction(string secret)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => new RelaySigner(secret));
        Assert.Contains("Relay:Secret", exception.Message, StringComparison.Ordinal);
    }
}
