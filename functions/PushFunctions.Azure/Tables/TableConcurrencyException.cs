using Azure;
using Azure.Core;

namespace PushFunctions.Azure.Tables;

/// <summary>The row changed since it was read: the ETag given as If-Match no longer matches (HTTP 412).</summary>
public class TableConcurrencyException : RequestFailedException
{
    public TableConcurrencyException(string message)
        : base(412, message)
    {
    }

    public TableConcurrencyException(string message, Exception? innerException)
        : base(412, message, innerException)
    {
    }

    public TableConcurrencyException()
        : this("The entity was changed since it was read (ETag mismatch).")
    {
    }

    internal TableConcurrencyException(Response response, RequestFailedDetailsParser detailsParser)
        : base(response, null, detailsParser)
    {
    }
}
