using PushFunctions.Relay;

namespace PushFunctions.UnitTests.Relay;

/// <summary>The relay refuses to start on a setting it could not honour, naming the setting.</summary>
public sealed class RelaySettingsTests
{
    [Fact]
    public async Task The_largest_message_size_whose_data_fits_one_log_row_is_accepted()
    {
        await using var app = RelayApp.Build(ArgumentsWith(maxMessageBytes: 716_800));

        Assert.NotNull(app);
    }

    [Fact]
    public void A_message_size_a_log_row_cannot_hold_is_refused_at_startup_with_the_largest_allowed()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => RelayApp.Build(ArgumentsWith(maxMessageBytes: 716_801)));

        Assert.Contains("Relay:MaxMessageBytes must be between 1 and 716800", refused.Message, StringComparison.Ordinal);
        Assert.Contains("at most 704 KiB", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-00:00:00.010")]
    [InlineData("00:00:02")]
    public void A_commit_linger_below_zero_or_above_a_second_is_refused_at_startup(string linger)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => RelayApp.Build([.. ArgumentsWith(maxMessageBytes: 65_536), $"--Relay:CommitLinger={linger}"]));

        Assert.Contains("Relay:CommitLinger must be a time span between zero and a second", refused.Message, StringComparison.Ordinal);
    }

    private static string[] ArgumentsWith(int maxMessageBytes) =>
    [
        "--AzureWebJobsStorage=UseDevelopmentStorage=true",
        "--Relay:Secret=settings-test-secret-0123456789abcdefghijklmn",
        "--Relay:Authenticator:Mode=BuiltIn",
        $"--Relay:MaxMessageBytes={maxMessageBytes}",
    ];
}
