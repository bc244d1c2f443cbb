using PushFunctions.Azure.Queues;
using PushFunctions.Azure.Storage;
using PushFunctions.Azure.Tables;

namespace PushFunctions.UnitTests.Storage;

/// <summary>Names the services would refuse are refused when the client is built, with the rule in the message.</summary>
public sealed class ClientNameTests
{
    private static readonly Uri Endpoint = new("http://127.0.0.1:10002/devstoreaccount1");
    private static readonly StorageSharedKeyCredential Credential = new("devstoreaccount1", Convert.ToBase64String(new byte[64]));

    [Theory]
    [InlineData("ab")]
    [InlineData("1table")]
    [InlineData("has-hyphen")]
    [InlineData("has space")]
    public void A_table_name_outside_the_service_rules_is_refused(string name)
    {
        var failure = Assert.Throws<ArgumentException>(() => new TableClient(Endpoint, name, Credential));

        Assert.Contains("3 to 63 letters and digits", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Upper")]
    [InlineData("double--hyphen")]
    [InlineData("-leading")]
    [InlineData("trailing-")]
    public void A_queue_name_outside_the_service_rules_is_refused(string name)
    {
        Assert.Throws<ArgumentException>(() => new QueueClient(new Uri(Endpoint, $"devstoreaccount1/{name}"), Credential));
    }

    [Fact]
    public void A_client_knows_its_name_and_address()
    {
        var table = new TableClient("UseDevelopmentStorage=true", "people");
        var queue = new QueueClient("UseDevelopmentStorage=true", "ping-queue");

        Assert.Equal(("people", new Uri("http://127.0.0.1:10002/devstoreaccount1/people")), (table.Name, table.Uri));
        Assert.Equal(("ping-queue", new Uri("http://127.0.0.1:10001/devstoreaccount1/ping-queue")), (queue.Name, queue.Uri));
    }
}
