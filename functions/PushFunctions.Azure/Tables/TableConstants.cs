namespace PushFunctions.Azure.Tables;

/// <summary>Names from the Table service's REST and OData wire format.</summary>
internal static class TableConstants
{
    public const string PartitionKey = "PartitionKey";
    public const string RowKey = "RowKey";
    public const string Timestamp = "Timestamp";
    public const string ODataEtag = "odata.etag";
    public const string TypeAnnotationSuffix = "@odata.type";

    /// <summary>The newest version the Table service documents, and the one the official Tables SDK sends.</summary>
    public const string ServiceVersion = "2019-02-02";

    /// <summary>Minimal metadata returns type annotations for values JSON cannot type (Int64, DateTime, Guid, Binary) and each row's ETag.</summary>
    public const string AcceptMinimalMetadata = "application/json;odata=minimalmetadata";
    public const string AcceptNoMetadata = "application/json;odata=nometadata";
    public const string JsonContentType = "application/json";

    public const string EdmInt64 = "Edm.Int64";
    public const string EdmDouble = "Edm.Double";
    public const string EdmDateTime = "Edm.DateTime";
    public const string EdmGuid = "Edm.Guid";
    public const string EdmBinary = "Edm.Binary";
    public const string EdmString = "Edm.String";
    public const string EdmBoolean = "Edm.Boolean";
    public const string EdmInt32 = "Edm.Int32";
}
