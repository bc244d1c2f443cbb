using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace PushFunctions.Relay.Security;

/// <summary>
/// Issues and checks the relay's unforgeable values, shaped like the original's
/// <c>&lt;nonce&gt;:&lt;signature&gt;</c> but signed with HMAC-SHA256 and a configured key instead of md5 and a constant.
/// </summary>
public sealed class RelaySigner
{
    private const int NonceLength = 32;
    private readonly byte[] key;

    public RelaySigner(string secret)
    {
        // 32 characters is the least that gives the HMAC a key as strong as its output.
        if (string.IsNullOrEmpty(secret) || secret.Length < 32)
        {
            throw new InvalidOperationException("Relay:Secret must be set to a random value of at least 32 characters.");
        }

        key = Encoding.UTF8.GetBytes(secret);
    }

    public string Issue(SignedPurpose purpose, string subject)
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(NonceLength / 2));
        return nonce + ":" + Base64Url.EncodeToString(Sign(purpose, subject, nonce));
    }

    public bool Verify(SignedPurpose purpose, string subject, string? value)
    {
        if (value is null || value.Length <= NonceLength + 1 || value[NonceLength] != ':')
        {
            return false;
        }

        var nonce = value[..NonceLength];
        var expected = Base64Url.EncodeToString(Sign(purpose, subject, nonce));

        // Comparing the encoded text avoids decoding attacker-chosen input; only its length can end the comparison early.
        return CryptographicOperations.FixedTimeEquals(
            MemoryMarshal.AsBytes(value.AsSpan(NonceLength + 1)),
            MemoryMarshal.AsBytes(expected.AsSpan()));
    }

    private byte[] Sign(SignedPurpose purpose, string subject, string nonce)
    {
        // The subject's length keeps the signed text unambiguous whatever characters a user name holds.
        var text = string.Create(CultureInfo.InvariantCulture, $"{purpose}:{subject.Length}:{subject}:{nonce}");
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text));
    }
}
