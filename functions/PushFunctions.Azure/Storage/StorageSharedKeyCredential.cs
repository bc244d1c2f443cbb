using System.Security.Cryptography;
using System.Text;

namespace PushFunctions.Azure.Storage;

/// <summary>A storage account name and key, for Shared Key authorization. The key never leaves this object.</summary>
public sealed class StorageSharedKeyCredential
{
    private readonly byte[] _accountKey;

    public StorageSharedKeyCredential(string accountName, string accountKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        ArgumentException.ThrowIfNullOrEmpty(accountKey);
        AccountName = accountName;
        try
        {
            _accountKey = Convert.FromBase64String(accountKey);
        }
        catch (FormatException)
        {
            // The original exception carries nothing useful, and echoing the input would leak the key.
            throw new ArgumentException("The storage account key is not valid base64.", nameof(accountKey));
        }
    }

    public string AccountName { get; }

    /// <summary>The Shared Key signature of a string-to-sign: base64 of its HMAC-SHA256 under the account key.</summary>
    internal string ComputeSignature(string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(_accountKey, Encoding.UTF8.GetBytes(stringToSign)));
}
