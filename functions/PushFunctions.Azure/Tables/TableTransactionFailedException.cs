using Azure;
using Azure.Core;

namespace PushFunctions.Azure.Tables;

/// <summary>
/// An entity group transaction failed and changed nothing. Status and ErrorCode are those of the failing action,
/// and <see cref="FailedTransactionActionIndex"/> says which one it was, when the service says.
/// </summary>
public class TableTransactionFailedException : RequestFailedException
{
    public TableTransactionFailedException(string message)
        : base(message)
    {
    }

    public TableTransactionFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public TableTransactionFailedException()
        : this("The table transaction failed.")
    {
    }

    internal TableTransactionFailedException(Response response, RequestFailedDetailsParser detailsParser, int? failedTransactionActionIndex)
        : base(response, null, detailsParser)
    {
        FailedTransactionActionIndex = failedTransactionActionIndex;
    }

    /// <summary>The zero-based index of the action the service rejected, or null when it did not name one.</summary>
    public int? FailedTransactionActionIndex { get; }
}
