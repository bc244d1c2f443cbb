using System.Threading.RateLimiting;

namespace PushFunctions.Gateway.Sessions;

/// <summary>
/// One device login as the throttle sees it: refused (with when to retry), or allowed and holding its login's and
/// address's turn until disposed. A failed password is recorded against both allowances.
/// </summary>
public sealed class LoginAttempt : IDisposable
{
    private readonly LoginThrottle? _throttle;
    private readonly LoginSource? _source;
    private readonly RateLimitLease? _turn;

    private LoginAttempt(TimeSpan retryAfter) => RetryAfter = retryAfter;

    private LoginAttempt(LoginThrottle throttle, LoginSource source, RateLimitLease turn)
    {
        _throttle = throttle;
        _source = source;
        _turn = turn;
    }

    /// <summary>Null when the attempt may go on; otherwise how long the client should wait.</summary>
    public TimeSpan? RetryAfter { get; }

    internal static LoginAttempt Refused(TimeSpan retryAfter) => new(retryAfter);

    internal static LoginAttempt Allowed(LoginThrottle throttle, LoginSource source, RateLimitLease turn) => new(throttle, source, turn);

    public void RecordFailure() => _throttle?.RecordFailure(_source!);

    public void Dispose() => _turn?.Dispose();
}
