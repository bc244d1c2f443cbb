using Azure.Data.Tables;

namespace PushFunctions.Relay.Storage.GroupCommit;

/// <summary>One row's change waiting for its group commit: an upsert (with the row's estimated size on the wire) or a delete.</summary>
/// <param name="CreatesRow">An upsert of a row that has never been written, so a delete that follows it can cancel both.</param>
internal sealed record PendingOperation(string RowKey, TableEntity? Upsert, bool CreatesRow, int Bytes)
{
    /// <summary>What a row costs in a transaction besides its properties: the multipart part's headers and URL.</summary>
    public const int EntityOverheadBytes = 512;

    public bool IsDelete => Upsert is null;

    public static PendingOperation Delete(string rowKey) => new(rowKey, null, false, EntityOverheadBytes + (2 * rowKey.Length));
}
