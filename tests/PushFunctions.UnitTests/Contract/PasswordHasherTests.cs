using System.Globalization;
using System.Security.Cryptography;
using PushFunctions.Core.Users;

namespace PushFunctions.UnitTests.Contract;

public sealed class PasswordHasherTests
{
    [Fact]
    public void A_hash_verifies_its_password()
    {
        var hash = PasswordHasher.Hash("correct horse");

        Assert.True(PasswordHasher.Verify("correct horse", hash));
    }

    [Theory]
    [InlineData("correct hors")]
    [InlineData("Correct horse")]
    [InlineData("correct horse ")]
    [InlineData("")]
    public void A_hash_refuses_any_other_password(string attempt)
    {
        Assert.False(PasswordHasher.Verify(attempt, PasswordHasher.Hash("correct horse")));
    }

    [Fact]
    public void The_same_password_hashes_differently_each_time_and_never_contains_it()
    {
        var first = PasswordHasher.Hash("secret-password");
        var second = PasswordHasher.Hash("secret-password");

        Assert.NotEqual(first, second);
        Assert.DoesNotContain("secret-password", first, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify("secret-password", second));
    }

    [Fact]
    public void The_hash_names_its_scheme_and_a_slow_iteration_count()
    {
        var parts = PasswordHasher.Hash("pw").Split('$');

        Assert.Equal(4, parts.Length);
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.True(int.Parse(parts[1], CultureInfo.InvariantCulture) >= 100_000);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
    }

    [Fact]
    public void A_hash_made_with_another_iteration_count_still_verifies_with_its_own_count()
    {
        var salt = new byte[16];
        var derived = Rfc2898DeriveBytes.Pbkdf2("pw", salt, 1_000, HashAlgorithmName.SHA256, 32);
        var stored = $"pbkdf2-sha256$1000${Convert.ToBase64String(salt)}${Convert.ToBase64String(derived)}";

        Assert.True(PasswordHasher.Verify("pw", stored));
        Assert.False(PasswordHasher.Verify("pw", stored.Replace("$1000$", "$1001$", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("plain-text-password")]
    [InlineData("pbkdf2-sha256$210000$c2FsdA==")]
    [InlineData("md5$210000$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$0$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$-5$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$many$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$not base64!$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$c2FsdA==$not base64!")]
    public void A_missing_or_malformed_stored_hash_verifies_nothing(string? stored)
    {
        Assert.False(PasswordHasher.Verify("pw", stored));
    }
}
