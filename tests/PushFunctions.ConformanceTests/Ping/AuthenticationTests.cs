using PushFunctions.Testing.Gateway;

namespace PushFunctions.ConformanceTests.Ping;

/// <summary>
/// The API token: header first, then api_token in the JSON body, form body or query; several valid at once;
/// 422 "No API token provided" otherwise (spec: rhoconnect-ping.md, "Authentication").
/// </summary>
public sealed class AuthenticationTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const string Route = "/rc/v1/users/ping";
    private const string WrongToken = "not-a-valid-token";

    public static TheoryData<string> BothTokens => [GatewayHost.ApiToken, GatewayHost.RotatedApiToken];

    [Theory]
    [MemberData(nameof(BothTokens))]
    public async Task Either_rotation_token_in_the_header_is_accepted(string token)
    {
        using var response = await fixture.PostAsync(Route, RawContent.Form("user_id=someone"), token);

        await Answers.AcceptedAsync(response);
    }

    [Fact]
    public async Task A_header_name_in_another_case_is_the_same_header()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = RawContent.Form("user_id=someone") };
        request.Headers.Add("x-rhoconnect-api-token", GatewayHost.ApiToken);

        using var response = await fixture.Client.SendAsync(request);

        await Answers.AcceptedAsync(response);
    }

    [Theory]
    [MemberData(nameof(BothTokens))]
    public async Task Either_token_as_api_token_in_a_json_body_is_accepted(string token)
    {
        using var response = await fixture.PostAsync(Route, RawContent.Json($$"""{"api_token":"{{token}}","user_id":"someone"}"""), token: null);

        await Answers.AcceptedAsync(response);
    }

    [Theory]
    [MemberData(nameof(BothTokens))]
    public async Task Either_token_as_api_token_in_a_form_body_is_accepted(string token)
    {
        using var response = await fixture.PostAsync(Route, RawContent.Form($"api_token={token}&user_id=someone"), token: null);

        await Answers.AcceptedAsync(response);
    }

    [Theory]
    [MemberData(nameof(BothTokens))]
    public async Task Either_token_as_api_token_in_the_query_is_accepted(string token)
    {
        using var response = await fixture.PostAsync($"{Route}?api_token={token}", RawContent.Form("user_id=someone"), token: null);

        await Answers.AcceptedAsync(response);
    }

    [Fact]
    public async Task No_token_anywhere_is_422()
    {
        using var response = await fixture.PostAsync(Route, RawContent.Form("user_id=someone"), token: null);

        await Answers.RefusedTokenAsync(response);
    }

    [Fact]
    public async Task A_wrong_token_in_the_header_is_422()
    {
        using var response = await fixture.PostAsync(Route, RawContent.Form("user_id=someone"), WrongToken);

        await Answers.RefusedTokenAsync(response);
    }

    [Fact]
    public async Task A_wrong_token_in_a_json_body_is_422()
    {
        using var response = await fixture.PostAsync(Route, RawContent.Json($$"""{"api_token":"{{WrongToken}}","user_id":"someone"}"""), token: null);

        await Answers.RefusedTokenAsync(response);
    }

    [Fact]
    public async Task A_wrong_token_in_a_form_body_is_422()
    {
        using var response = await fixture.PostAsync(Route, RawContent.Form($"api_token={WrongToken}&user_id=someone"), token: null);

        await Answers.RefusedTokenAsync(response);
    }

    [Fact]
    public async Task A_wrong_token_in_the_query_is_422()
    {
        using var response = await fixture.PostAsync($"{Route}?api_token={WrongToken}", RawContent.Form("user_id=someone"), token: null);

        await Answers.RefusedTokenAsync(response);
    }

    [Theory]
    [InlineData("TEST-API-TOKEN-CURRENT")]
    [InlineData("test-api-token")]
    [InlineData("test-api-token-current-and-more")]
    [InlineData("test-api-token-current,test-api-token-next")]
    public async Task A_token_that_only_resembles_a_valid_one_is_422(string token)
    {
        using var response = await fixture.PostAsync(Route, RawContent.Form("user_id=someone"), token);

        await Answers.RefusedTokenAsync(response);
    }

    /// <summary>
    /// "Looked up in this order": the header is where the token is found first, so it is the token presented; a body
    /// token never rescues a wrong header.
    /// </summary>
    [Fact]
    public async Task A_wrong_header_token_is_422_even_with_a_right_token_in_the_body()
    {
        using var response = await fixture.PostAsync(
            Route, RawContent.Json($$"""{"api_token":"{{GatewayHost.ApiToken}}","user_id":"someone"}"""), WrongToken);

        await Answers.RefusedTokenAsync(response);
    }

    [Fact]
    public async Task A_right_header_token_wins_over_a_wrong_token_in_the_body()
    {
        using var response = await fixture.PostAsync(Route, RawContent.Form($"api_token={WrongToken}&user_id=someone"));

        await Answers.AcceptedAsync(response);
    }

    [Fact]
    public async Task A_right_body_token_wins_over_a_wrong_query_token()
    {
        using var response = await fixture.PostAsync(
            $"{Route}?api_token={WrongToken}", RawContent.Form($"api_token={GatewayHost.ApiToken}&user_id=someone"), token: null);

        await Answers.AcceptedAsync(response);
    }
}
