using PushFunctions.Core.Contract;
using static PushFunctions.UnitTests.Contract.Parameters;

namespace PushFunctions.UnitTests.Contract;

public sealed class PingRequestParserTests
{
    [Fact]
    public void A_user_id_string_is_one_user()
    {
        var request = Valid(Of(("user_id", Text("u1"))));

        Assert.Equal(["u1"], request.UserIds);
    }

    [Fact]
    public void A_user_id_number_is_its_literal_text()
    {
        Assert.Equal(["42"], Valid(Of(("user_id", Number("42")))).UserIds);
    }

    [Fact]
    public void Duplicate_users_are_removed_and_the_first_order_is_kept()
    {
        var request = Valid(Of(("user_id", List("c", "a", "c", "b", "a"))));

        Assert.Equal(["c", "a", "b"], request.UserIds);
    }

    [Fact]
    public void Empty_user_names_in_a_list_are_dropped()
    {
        Assert.Equal(["a"], Valid(Of(("user_id", List("", "a", "")))).UserIds);
    }

    [Theory]
    [MemberData(nameof(MissingUsers))]
    public void A_missing_or_empty_user_id_is_user_id_is_required(Dictionary<string, ParameterValue> parameters)
    {
        Assert.Equal("user_id is required", Invalid(parameters));
    }

    public static TheoryData<Dictionary<string, ParameterValue>> MissingUsers =>
    [
        Of(("message", Text("hi"))),
        Of(("user_id", Text(""))),
        Of(("user_id", List())),
        Of(("user_id", List("", ""))),
    ];

    [Fact]
    public void A_user_id_that_is_not_text_is_refused()
    {
        var structure = ParameterValue.FromStructure(new Dictionary<string, ParameterValue> { ["id"] = Text("u1") });

        Assert.Contains("user_id", Invalid(Of(("user_id", structure))), StringComparison.Ordinal);
        Assert.Contains("user_id", Invalid(Of(("user_id", ParameterValue.FromList([structure])))), StringComparison.Ordinal);
    }

    [Fact]
    public void Exactly_10000_users_are_allowed()
    {
        var users = Enumerable.Range(0, PingRequestParser.MaxUsers).Select(i => "u" + i).ToArray();

        Assert.Equal(10_000, Valid(Of(("user_id", List(users)))).UserIds.Count);
    }

    [Fact]
    public void More_than_10000_distinct_users_are_refused()
    {
        var users = Enumerable.Range(0, PingRequestParser.MaxUsers + 1).Select(i => "u" + i).ToArray();

        Assert.Contains("10000", Invalid(Of(("user_id", List(users)))), StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicates_do_not_count_towards_the_user_limit()
    {
        var users = Enumerable.Range(0, PingRequestParser.MaxUsers).Select(i => "u" + i).Append("u0").ToArray();

        Assert.Equal(10_000, Valid(Of(("user_id", List(users)))).UserIds.Count);
    }

    [Theory]
    [InlineData("Product,Customer")]
    [InlineData(" Product , , Customer ,")]
    [InlineData(",,Product,,Customer,,")]
    public void A_sources_string_is_split_on_commas_trimmed_and_empties_dropped(string sources)
    {
        Assert.Equal(["Product", "Customer"], Valid(Of(("user_id", Text("u")), ("sources", Text(sources)))).Notification.Sources);
    }

    [Fact]
    public void A_sources_list_keeps_its_items_in_order()
    {
        Assert.Equal(["all"], Valid(Of(("user_id", Text("u")), ("sources", List("all")))).Notification.Sources);
        Assert.Equal(["B", "A"], Valid(Of(("user_id", Text("u")), ("sources", List("B", " A ", "")))).Notification.Sources);
    }

    [Fact]
    public void Absent_or_null_sources_are_empty()
    {
        Assert.Empty(Valid(Of(("user_id", Text("u")))).Notification.Sources);
        Assert.Empty(Valid(Of(("user_id", Text("u")), ("sources", ParameterValue.Null))).Notification.Sources);
    }

    [Fact]
    public void Source_id_alone_is_the_sources()
    {
        Assert.Equal(["Product"], Valid(Of(("user_id", Text("u")), ("source_id", List("Product")))).Notification.Sources);
    }

    [Fact]
    public void Source_id_is_merged_after_sources_without_duplicates()
    {
        var request = Valid(Of(("user_id", Text("u")), ("sources", List("A", "B")), ("source_id", Text("B,C"))));

        Assert.Equal(["A", "B", "C"], request.Notification.Sources);
    }

    [Fact]
    public void Sources_that_are_not_text_are_refused()
    {
        var structure = ParameterValue.FromStructure(new Dictionary<string, ParameterValue>());

        Assert.Contains("sources", Invalid(Of(("user_id", Text("u")), ("sources", structure))), StringComparison.Ordinal);
        Assert.Contains("source_id", Invalid(Of(("user_id", Text("u")), ("source_id", ParameterValue.FromBoolean(true)))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("3", 3)]
    [InlineData("0012", 12)]
    public void A_badge_of_digits_is_the_count(string badge, int expected)
    {
        Assert.Equal(expected, Valid(Of(("user_id", Text("u")), ("badge", Text(badge)))).Notification.Badge);
        Assert.Equal(expected, Valid(Of(("user_id", Text("u")), ("badge", Number(badge)))).Notification.Badge);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData(" 3")]
    [InlineData("+3")]
    [InlineData("1e3")]
    [InlineData("99999999999")]
    [InlineData("٣")]
    public void Any_other_badge_is_refused(string badge)
    {
        Assert.Equal("badge must be a non-negative integer", Invalid(Of(("user_id", Text("u")), ("badge", Text(badge)))));
    }

    [Fact]
    public void A_boolean_badge_is_refused()
    {
        Assert.Contains("badge", Invalid(Of(("user_id", Text("u")), ("badge", ParameterValue.FromBoolean(true)))), StringComparison.Ordinal);
    }

    [Fact]
    public void An_absent_or_null_badge_is_no_badge()
    {
        Assert.Null(Valid(Of(("user_id", Text("u")))).Notification.Badge);
        Assert.Null(Valid(Of(("user_id", Text("u")), ("badge", ParameterValue.Null))).Notification.Badge);
    }

    [Fact]
    public void Message_sound_and_vibrate_are_passed_on_as_text()
    {
        var notification = Valid(Of(
            ("user_id", Text("u")), ("message", Text("Hello user")), ("sound", Text("welcome.mp3")), ("vibrate", Number("2000")))).Notification;

        Assert.Equal("Hello user", notification.Message);
        Assert.Equal("welcome.mp3", notification.Sound);
        Assert.Equal("2000", notification.Vibrate);
    }

    [Fact]
    public void Vibrate_as_a_string_is_kept_as_it_is()
    {
        Assert.Equal("2000", Valid(Of(("user_id", Text("u")), ("vibrate", Text("2000")))).Notification.Vibrate);
    }

    [Theory]
    [InlineData("message")]
    [InlineData("sound")]
    [InlineData("vibrate")]
    public void A_text_parameter_given_a_list_is_refused(string name)
    {
        Assert.Equal($"{name} must be a string", Invalid(Of(("user_id", Text("u")), (name, List("a", "b")))));
    }

    [Fact]
    public void A_ping_with_no_message_badge_or_sound_is_silent()
    {
        Assert.True(Valid(Of(("user_id", Text("u")), ("sources", Text("all")), ("vibrate", Text("2000")))).Notification.IsSilent);
        Assert.False(Valid(Of(("user_id", Text("u")), ("badge", Text("1")))).Notification.IsSilent);
    }

    [Fact]
    public void Async_the_per_device_parameters_and_unknown_ones_are_ignored()
    {
        var plain = Valid(Of(("user_id", Text("u")), ("message", Text("hi"))));
        var decorated = Valid(Of(
            ("user_id", Text("u")), ("message", Text("hi")), ("async", ParameterValue.FromBoolean(true)), ("phone_id", Text("p")),
            ("device_pin", Text("pin")), ("device_port", Number("100")), ("device_app_id", Text("app")),
            ("device_app_version", Text("1")), ("anything", List("x")), ("api_token", Text("secret"))));

        Assert.Equal(plain.UserIds, decorated.UserIds);
        Assert.Equal(
            (plain.Notification.Message, plain.Notification.Badge, plain.Notification.Sound, plain.Notification.Vibrate),
            (decorated.Notification.Message, decorated.Notification.Badge, decorated.Notification.Sound, decorated.Notification.Vibrate));
        Assert.Empty(decorated.Notification.Sources);
    }

    private static PingRequest Valid(Dictionary<string, ParameterValue> parameters)
    {
        var result = PingRequestParser.Parse(parameters);
        Assert.True(result.Request is not null, $"Expected a valid request, got: {result.Error}");
        Assert.Null(result.Error);
        return result.Request;
    }

    private static string Invalid(Dictionary<string, ParameterValue> parameters)
    {
        var result = PingRequestParser.Parse(parameters);
        Assert.Null(result.Request);
        Assert.NotNull(result.Error);
        return result.Error;
    }
}
