using System.Globalization;

namespace PushFunctions.Import.Importing;

/// <summary>The source failed a request: it answered <see cref="Status"/> (0: it did not answer at all), or with something that is not its API's JSON.</summary>
internal sealed class SourceException(int status, string reason, Exception innerException) : Exception(reason, innerException)
{
    public int Status { get; } = status;

    /// <summary>RhoConnect answers a missing or unknown token with 422 on its admin routes, 401 where a login is needed; a proxy may answer 401 or 403.</summary>
    public bool RefusedToken => Status is 401 or 403 or 422;

    public static string Answered(int status) => status == 0
        ? "the source did not answer"
        : string.Create(CultureInfo.InvariantCulture, $"the source answered {status}");

    public const string NotItsJson = "the source answered something other than the JSON its API documents";
}
