using System.Xml.Linq;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace PushFunctions.Gateway.Console.Protection;

/// <summary>
/// ASP.NET Core Data Protection's key ring (it protects the console's antiforgery tokens) in a table of the gateway's
/// storage account, so every instance and every restart shares the keys: a form rendered by one instance is accepted
/// by another. Data Protection calls a repository synchronously and rarely (at start and when keys roll, every 90 days).
/// </summary>
/// <param name="table">Made on first use: the app is built (and its routes listed) before storage is configured in some hosts.</param>
public sealed class TableXmlRepository(Func<TableClient> table) : IXmlRepository
{
    private readonly Lazy<TableClient> _table = new(table);

    private const string PartitionKey = "keys";
    private const string XmlProperty = "Xml";

    public IReadOnlyCollection<XElement> GetAllElements() => ReadAsync().GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        WriteAsync(element, friendlyName).GetAwaiter().GetResult();
    }

    private async Task<IReadOnlyCollection<XElement>> ReadAsync()
    {
        var elements = new List<XElement>();
        try
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey}");
            await foreach (var row in _table.Value.QueryAsync<TableEntity>(filter))
            {
                elements.Add(XElement.Parse(row.GetString(XmlProperty)!));
            }
        }
        catch (RequestFailedException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            // No table yet: no key was ever stored.
        }

        return elements;
    }

    private async Task WriteAsync(XElement element, string friendlyName)
    {
        await _table.Value.CreateIfNotExistsAsync();
        await _table.Value.AddEntityAsync(new TableEntity(PartitionKey, friendlyName) { [XmlProperty] = element.ToString(SaveOptions.DisableFormatting) });
    }
}
