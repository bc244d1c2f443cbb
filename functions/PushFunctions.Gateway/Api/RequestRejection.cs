namespace PushFunctions.Gateway.Api;

/// <summary>Why a request was refused before its parameters were looked at: answered as plain text with this status.</summary>
public sealed record RequestRejection(int StatusCode, string Message)
{
    public IResult ToResult() => Results.Text(Message, "text/plain", statusCode: StatusCode);
}
