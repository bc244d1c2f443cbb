namespace PushFunctions.Azure.Tables;

/// <summary>What one action of an entity group transaction does.</summary>
public enum TableTransactionActionType
{
    /// <summary>Insert; fails if the row exists.</summary>
    Add,

    /// <summary>Merge into an existing row, if its ETag matches.</summary>
    UpdateMerge,

    /// <summary>Replace an existing row, if its ETag matches.</summary>
    UpdateReplace,

    /// <summary>Delete an existing row, if its ETag matches.</summary>
    Delete,

    /// <summary>Insert or merge.</summary>
    UpsertMerge,

    /// <summary>Insert or replace.</summary>
    UpsertReplace,
}
