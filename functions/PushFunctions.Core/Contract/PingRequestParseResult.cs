namespace PushFunctions.Core.Contract;

/// <summary>Either a valid ping request or the reason it was refused, worded for the caller (answered as 400).</summary>
public sealed record PingRequestParseResult(PingRequest? Request, string? Error)
{
    public static PingRequestParseResult Valid(PingRequest request) => new(request, null);

    public static PingRequestParseResult Invalid(string error) => new(null, error);
}
