using PushFunctions.Azure.Storage;

namespace PushFunctions.UnitTests.Storage;

public sealed class StorageConnectionStringTests
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public void Development_storage_means_the_local_emulator_with_the_published_key()
    {
        var parsed = StorageConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", parsed.AccountName);
        Assert.Equal(Key, parsed.AccountKey);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), parsed.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), parsed.TableEndpoint);
    }

    [Fact]
    public void Explicit_endpoints_are_used_as_given()
    {
        var parsed = StorageConnectionString.Parse(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
            "BlobEndpoint=http://127.0.0.1:41000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:41001/devstoreaccount1;TableEndpoint=http://127.0.0.1:41002/devstoreaccount1;");

        Assert.Equal("devstoreaccount1", parsed.AccountName);
        Assert.Equal(Key, parsed.AccountKey);
        Assert.Equal(new Uri("http://127.0.0.1:41000/devstoreaccount1"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:41001/devstoreaccount1"), parsed.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:41002/devstoreaccount1"), parsed.TableEndpoint);
    }

    [Fact]
    public void Endpoints_are_derived_from_protocol_account_and_suffix()
    {
        var parsed = StorageConnectionString.Parse($"DefaultEndpointsProtocol=https;AccountName=pushprod;AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal(new Uri("https://pushprod.blob.core.chinacloudapi.cn"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("https://pushprod.queue.core.chinacloudapi.cn"), parsed.QueueEndpoint);
        Assert.Equal(new Uri("https://pushprod.table.core.chinacloudapi.cn"), parsed.TableEndpoint);
    }

    [Fact]
    public void Without_protocol_or_suffix_endpoints_are_https_on_the_public_cloud()
    {
        var parsed = StorageConnectionString.Parse($"AccountName=pushprod;AccountKey={Key}");

        Assert.Equal(new Uri("https://pushprod.table.core.windows.net"), parsed.TableEndpoint);
        Assert.Equal(new Uri("https://pushprod.queue.core.windows.net"), parsed.QueueEndpoint);
    }

    [Fact]
    public void Names_are_case_insensitive_and_an_explicit_endpoint_overrides_only_its_service()
    {
        var parsed = StorageConnectionString.Parse($"accountname=pushprod;ACCOUNTKEY={Key};tableendpoint=https://tables.example.test/");

        Assert.Equal(new Uri("https://tables.example.test/"), parsed.TableEndpoint);
        Assert.Equal(new Uri("https://pushprod.queue.core.windows.net"), parsed.QueueEndpoint);
    }

    [Fact]
    public void An_account_without_a_key_parses_but_has_no_shared_key_credential()
    {
        var parsed = StorageConnectionString.Parse("AccountName=pushprod");

        Assert.Null(parsed.AccountKey);
        Assert.Throws<InvalidOperationException>(parsed.CreateSharedKeyCredential);
    }

    [Theory]
    [InlineData("")]
    [InlineData(";;")]
    [InlineData("hello")]
    [InlineData("=value")]
    [InlineData("AccountKey=" + Key)]
    [InlineData("AccountName=;AccountKey=" + Key)]
    [InlineData("AccountName=a;AccountName=b")]
    [InlineData("DefaultEndpointsProtocol=ftp;AccountName=a")]
    [InlineData("AccountName=a;TableEndpoint=not a uri")]
    [InlineData("AccountName=a;TableEndpoint=ftp://files.example.test")]
    [InlineData("UseDevelopmentStorage=false")]
    [InlineData("UseDevelopmentStorage=true;AccountName=a")]
    [InlineData("AccountName=a;SharedAccessSignature=sv=2024&sig=abc")]
    public void Garbage_is_a_format_exception(string connectionString)
    {
        Assert.Throws<FormatException>(() => StorageConnectionString.Parse(connectionString));
    }

    [Fact]
    public void A_malformed_key_is_reported_without_repeating_it()
    {
        const string secretLookingKey = "not*base64*but*secret";

        var failure = Assert.Throws<FormatException>(() => StorageConnectionString.Parse($"AccountName=a;AccountKey={secretLookingKey}"));

        Assert.Contains("AccountKey", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secretLookingKey, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_string_is_reported_without_repeating_any_of_it()
    {
        var failure = Assert.Throws<FormatException>(() => StorageConnectionString.Parse($"AccountName=a;AccountKey={Key};oops"));

        Assert.DoesNotContain(Key, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_credential_refuses_a_malformed_key_without_repeating_it()
    {
        var failure = Assert.Throws<ArgumentException>(() => new StorageSharedKeyCredential("a", "secret!!"));

        Assert.DoesNotContain("secret!!", failure.ToString(), StringComparison.Ordinal);
    }
}
