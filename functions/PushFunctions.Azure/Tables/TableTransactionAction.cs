using Azure;

namespace PushFunctions.Azure.Tables;

/// <summary>One action of an entity group transaction.</summary>
public sealed class TableTransactionAction
{
    /// <param name="actionType">What the action does.</param>
    /// <param name="entity">The row it acts on (only the keys matter for a delete).</param>
    /// <param name="ifMatch">For updates and deletes, the ETag the row must still have; the default matches any version.</param>
    public TableTransactionAction(TableTransactionActionType actionType, TableEntity entity, ETag ifMatch = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ActionType = actionType;
        Entity = entity;
        IfMatch = ifMatch;
    }

    public TableTransactionActionType ActionType { get; }

    public TableEntity Entity { get; }

    public ETag IfMatch { get; }
}
