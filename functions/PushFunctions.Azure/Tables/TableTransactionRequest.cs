using Azure.Core;

namespace PushFunctions.Azure.Tables;

/// <summary>One HTTP request inside a $batch changeset: method, absolute entity URI, optional If-Match and body.</summary>
internal sealed record TableTransactionRequest(RequestMethod Method, string Uri, string? IfMatch, TableEntity? Entity);
