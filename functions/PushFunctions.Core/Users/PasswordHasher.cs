using System.Globalization;
using System.Security.Cryptography;

namespace PushFunctions.Core.Users;

/// <summary>
/// Salted, slow password hashes (PBKDF2-HMAC-SHA256) for built-in device users. The iteration count is stored
/// in each hash, so it can be raised later without invalidating existing users.
/// Format: <c>pbkdf2-sha256$iterations$salt$hash</c> (salt and hash in base64).
/// </summary>
public static class PasswordHasher
{
    private const string Scheme = "pbkdf2-sha256";
    private const int Iterations = 210_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>
    /// True when <paramref name="password"/> matches <paramref name="storedHash"/>. Without a readable hash (no such user,
    /// or a user without a password) the password goes through the same derivation, at the current cost, against random
    /// bytes, and the answer is false: how long a login takes does not tell whether the user exists.
    /// </summary>
    public static bool Verify(string password, string? storedHash)
    {
        ArgumentNullException.ThrowIfNull(password);
        var readable = TryParse(storedHash, out var iterations, out var salt, out var expected);
        if (!readable)
        {
            (iterations, salt, expected) = (Iterations, RandomNumberGenerator.GetBytes(SaltBytes), RandomNumberGenerator.GetBytes(HashBytes));
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected) && readable;
    }

    private static bool TryParse(string? storedHash, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = (storedHash ?? string.Empty).Split('$');
        if (parts.Length != 4
            || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || iterations <= 0)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
            return hash.Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
