namespace PushFunctions.Azure.Tables;

/// <summary>How a write meets an existing row: Merge keeps properties the entity does not name, Replace drops them.</summary>
public enum TableUpdateMode
{
    Merge,
    Replace,
}
