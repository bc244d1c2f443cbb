using System.Security.Cryptography;
using System.Text;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Users;

namespace PushFunctions.Relay.Authentication;

/// <summary>
/// Checks devices against the users the gateway created (<c>POST /rc/v1/users</c>, salted slow hashes in the shared
/// Users table) and backends against the app passwords in configuration (<c>Relay:Apps:{appName}</c>).
/// A yes is remembered like the delegate's, so a slow hash is computed once a minute per device, not per call.
/// </summary>
public sealed class BuiltInDeviceAuthenticator(
    UserStore users,
    IReadOnlyDictionary<string, string> appPasswords,
    AcceptanceCache cache) : IDeviceAuthenticator
{
    private static readonly Uri DeviceCacheScope = new("builtin:device");

    public async ValueTask<AuthenticationResult> AuthenticateDeviceAsync(PresentedCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (credentials.Basic is not { } basic)
        {
            return AuthenticationResult.Rejected;
        }

        var key = AcceptanceCache.KeyFor(DeviceCacheScope, credentials with { Cookie = null });
        if (cache.Contains(key))
        {
            return AuthenticationResult.Accept(basic.User);
        }

        // The hash is computed whether the user exists or not, so the answer's time does not tell which.
        var user = await users.GetAsync(basic.User, cancellationToken);
        if (!PasswordHasher.Verify(basic.Password, user?.PasswordHash))
        {
            return AuthenticationResult.Rejected;
        }

        cache.Add(key);
        return AuthenticationResult.Accept(basic.User);
    }

    public ValueTask<AuthenticationResult> AuthenticateAppAsync(PresentedCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var accepted = credentials.Basic is { } basic
            && appPasswords.TryGetValue(basic.User, out var expected)
            && expected.Length > 0
            && FixedTimeEquals(basic.Password, expected);
        return ValueTask.FromResult(accepted ? AuthenticationResult.Accept(credentials.Basic!.User) : AuthenticationResult.Rejected);
    }

    // Hashing first makes the comparison independent of both lengths.
    private static bool FixedTimeEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
