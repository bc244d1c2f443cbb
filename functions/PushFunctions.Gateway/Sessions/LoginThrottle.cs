using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using PushFunctions.Gateway.Api;
using PushFunctions.Gateway.Configuration;

namespace PushFunctions.Gateway.Sessions;

/// <summary>
/// Limits failed device logins per login and per client address with .NET's partitioned rate limiters (the ones
/// ASP.NET Core's rate limiting middleware runs; that middleware cannot be used as it is, because it decides before the
/// body names the login and it counts every request, not the failed ones). Each login and each address has a fixed
/// window of allowed failures (RhoConnect:LoginFailuresPerLogin, :LoginFailuresPerAddress per :LoginFailureWindow);
/// while either is used up, logins are refused with 429 and Retry-After. A correct password takes nothing, so devices
/// that share one NAT address are not limited by logging in. One attempt per login and a few per address run at a time,
/// so the check before verifying and the count after it cannot be raced by a burst of parallel guesses.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    private const int TurnsPerLogin = 1;
    private const int QueuedPerLogin = 8;
    private const int TurnsPerAddress = 4;
    private const int QueuedPerAddress = 64;

    /// <summary>What a client is told when too many of its logins are already waiting.</summary>
    private static readonly TimeSpan BusyRetryAfter = TimeSpan.FromSeconds(1);

    private readonly PartitionedRateLimiter<LoginSource> _loginTurns;
    private readonly PartitionedRateLimiter<LoginSource> _addressTurns;
    private readonly PartitionedRateLimiter<LoginSource> _turns;
    private readonly PartitionedRateLimiter<LoginSource> _loginFailures;
    private readonly PartitionedRateLimiter<LoginSource> _addressFailures;

    public LoginThrottle(IOptions<RhoConnectOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _loginTurns = Turns(source => source.Login, TurnsPerLogin, QueuedPerLogin);
        _addressTurns = Turns(source => source.Address, TurnsPerAddress, QueuedPerAddress);
        // Login first, then address: every attempt takes them in this order, so waiting attempts cannot deadlock.
        _turns = PartitionedRateLimiter.CreateChained(_loginTurns, _addressTurns);
        _loginFailures = Failures(source => source.Login, settings.LoginFailuresPerLogin, settings.LoginFailureWindow);
        _addressFailures = Failures(source => source.Address, settings.LoginFailuresPerAddress, settings.LoginFailureWindow);
    }

    /// <summary>Waits for the attempt's turn; refused when its login or address has no failures left or too many attempts wait.</summary>
    public async ValueTask<LoginAttempt> BeginAsync(string login, IPAddress? address, CancellationToken cancellationToken)
    {
        var source = new LoginSource(login, ClientAddress.PartitionKey(address));
        var turn = await _turns.AcquireAsync(source, 1, cancellationToken);
        if (!turn.IsAcquired)
        {
            turn.Dispose();
            return LoginAttempt.Refused(BusyRetryAfter);
        }

        foreach (var failures in (ReadOnlySpan<PartitionedRateLimiter<LoginSource>>)[_addressFailures, _loginFailures])
        {
            // Zero permits asks whether a failure is still allowed, without taking one.
            using var allowed = failures.AttemptAcquire(source, 0);
            if (!allowed.IsAcquired)
            {
                turn.Dispose();
                return LoginAttempt.Refused(allowed.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : BusyRetryAfter);
            }
        }

        return LoginAttempt.Allowed(this, source, turn);
    }

    public void Dispose()
    {
        _turns.Dispose();
        _loginTurns.Dispose();
        _addressTurns.Dispose();
        _loginFailures.Dispose();
        _addressFailures.Dispose();
    }

    internal void RecordFailure(LoginSource source)
    {
        _loginFailures.AttemptAcquire(source).Dispose();
        _addressFailures.AttemptAcquire(source).Dispose();
    }

    private static PartitionedRateLimiter<LoginSource> Turns(Func<LoginSource, string> key, int permits, int queued) =>
        PartitionedRateLimiter.Create<LoginSource, string>(source => RateLimitPartition.GetConcurrencyLimiter(key(source), _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = permits,
            QueueLimit = queued,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }));

    /// <summary>Fixed windows count whole failures; a token bucket refills by fractions, which a zero-permit check would read as "one left".</summary>
    private static PartitionedRateLimiter<LoginSource> Failures(Func<LoginSource, string> key, int limit, TimeSpan window) =>
        PartitionedRateLimiter.Create<LoginSource, string>(source => RateLimitPartition.GetFixedWindowLimiter(key(source), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = window,
            QueueLimit = 0,
        }));
}
