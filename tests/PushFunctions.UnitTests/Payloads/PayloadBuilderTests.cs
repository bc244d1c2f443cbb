using PushFunctions.Core.Payloads;

namespace PushFunctions.UnitTests.Payloads;

public sealed class PayloadBuilderTests
{
    [Fact]
    public void An_undefined_platform_is_a_programming_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => PayloadBuilder.Build((Platform)42, SampleNotifications.Full, null));
    }

    [Fact]
    public void A_failure_carries_its_error_and_no_payload()
    {
        var result = PayloadResult.Failure(PayloadResult.PayloadTooLarge);

        Assert.False(result.Succeeded);
        Assert.Null(result.Payload);
        Assert.Equal("payload too large", result.Error);
    }
}
