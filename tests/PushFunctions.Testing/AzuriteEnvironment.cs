using Azure.Storage.Queues;

namespace PushFunctions.Testing;

/// <summary>
/// The Azurite instance prepared by <c>scripts/test.sh</c>. Tests reach storage only through here, so a run
/// without the script fails with one clear message instead of timing out against a port nobody listens on.
/// </summary>
public static class AzuriteEnvironment
{
    public const string ConnectionStringVariable = "PUSHFUNCTIONS_TEST_STORAGE";
    public const string ExecutableVariable = "PUSHFUNCTIONS_AZURITE";

    /// <summary>A full storage connection string (account, key and the three loopback endpoints).</summary>
    public static string ConnectionString => Require(ConnectionStringVariable);

    /// <summary>The azurite executable, for tests that start and stop a private instance.</summary>
    public static string AzuriteExecutable => Require(ExecutableVariable);

    /// <summary>A queue as the gateway and the Functions queue trigger read it: base64 message bodies.</summary>
    public static QueueClient Queue(string name) =>
        new(ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>A table name no other test uses: letters and digits only, at most 63 characters.</summary>
    public static string NewTableName(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (!char.IsAsciiLetter(prefix[0]) || !prefix.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException("A table name prefix starts with a letter and holds only letters and digits.", nameof(prefix));
        }

        return Unique(prefix, separator: string.Empty);
    }

    /// <summary>A queue name no other test uses: lowercase letters, digits and single hyphens, at most 63 characters.</summary>
    public static string NewQueueName(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (!prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            || !char.IsAsciiLetterOrDigit(prefix[0]) || prefix.EndsWith('-') || prefix.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException("A queue name prefix holds lowercase letters, digits and single inner hyphens.", nameof(prefix));
        }

        return Unique(prefix, separator: "-");
    }

    private static string Unique(string prefix, string separator)
    {
        const int maxNameLength = 63;
        string suffix = Guid.NewGuid().ToString("N");
        string name = prefix + separator + suffix;
        return name.Length <= maxNameLength ? name : name[..maxNameLength];
    }

    private static string Require(string variable)
    {
        string? value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"{variable} is not set. Run the tests through scripts/test.sh, which starts Azurite on free loopback ports " +
                $"and exports {ConnectionStringVariable} and {ExecutableVariable}.");
        }

        return value;
    }
}
