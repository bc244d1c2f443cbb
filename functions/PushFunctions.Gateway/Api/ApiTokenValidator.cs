using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PushFunctions.Gateway.Configuration;

namespace PushFunctions.Gateway.Api;

/// <summary>
/// Checks a presented API token against every configured one. Tokens are compared as SHA-256 digests with a
/// fixed-time comparison, so neither the content nor the length of a valid token leaks through timing.
/// </summary>
public sealed class ApiTokenValidator
{
    private readonly byte[][] _digests;

    public ApiTokenValidator(IOptions<RhoConnectOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _digests = options.Value.ApiTokens
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t)))
            .ToArray();
    }

    public bool IsConfigured => _digests.Length > 0;

    public bool IsValid(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        var valid = false;
        foreach (var digest in _digests)
        {
            // No early exit: every configured token is compared.
            valid |= CryptographicOperations.FixedTimeEquals(presented, digest);
        }

        return valid;
    }
}
