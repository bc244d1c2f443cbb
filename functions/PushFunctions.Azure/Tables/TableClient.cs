using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using PushFunctions.Azure.Storage;

namespace PushFunctions.Azure.Tables;

/// <summary>
/// One table of Azure Table Storage (or Azurite), over the Table REST API on an Azure.Core pipeline.
/// Names and shapes follow Azure.Data.Tables so callers can move to the SDK unchanged.
/// </summary>
public partial class TableClient
{
    private const int MaxTransactionActions = 100;
    private const int MaxPageSize = 1000;
    private const string ContinuationPartitionKeyHeader = "x-ms-continuation-NextPartitionKey";
    private const string ContinuationRowKeyHeader = "x-ms-continuation-NextRowKey";

    /// <summary>The verb the Merge Entity operation documents; Azure.Core has no constant for it.</summary>
    private static readonly RequestMethod MergeMethod = new("MERGE");

    private readonly HttpPipeline _pipeline;
    private readonly string _serviceEndpoint;

    public TableClient(Uri tableServiceEndpoint, string tableName, StorageSharedKeyCredential credential, TableClientOptions? options = null)
        : this(tableServiceEndpoint, tableName, StoragePipeline.Build(options ?? new TableClientOptions(), credential, StorageService.Table, TableConstants.ServiceVersion))
    {
    }

    public TableClient(Uri tableServiceEndpoint, string tableName, TokenCredential credential, TableClientOptions? options = null)
        : this(tableServiceEndpoint, tableName, StoragePipeline.Build(options ?? new TableClientOptions(), credential, TableConstants.ServiceVersion))
    {
    }

    public TableClient(string connectionString, string tableName, TableClientOptions? options = null)
        : this(StorageConnectionString.Parse(connectionString), tableName, options)
    {
    }

    private TableClient(StorageConnectionString connectionString, string tableName, TableClientOptions? options)
        : this(connectionString.TableEndpoint, tableName, connectionString.CreateSharedKeyCredential(), options)
    {
    }

    private TableClient(Uri tableServiceEndpoint, string tableName, HttpPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(tableServiceEndpoint);
        ArgumentNullException.ThrowIfNull(tableName);
        if (!TableNamePattern().IsMatch(tableName))
        {
            throw new ArgumentException(
                $"'{tableName}' is not a table name: 3 to 63 letters and digits, starting with a letter.", nameof(tableName));
        }

        Name = tableName;
        _serviceEndpoint = tableServiceEndpoint.AbsoluteUri.TrimEnd('/');
        Uri = new Uri($"{_serviceEndpoint}/{tableName}");
        _pipeline = pipeline;
    }

    public string Name { get; }

    public Uri Uri { get; }

    /// <summary>Formats a filter whose interpolated values become OData literals: strings quoted with '' escaping, long with L, datetime'...', guid'...'.</summary>
    public static string CreateQueryFilter(FormattableString filter) => TableQueryFilter.Create(filter);

    /// <summary>Creates the table; a table that already exists counts as success (409 TableAlreadyExists).</summary>
    public async Task<Response> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = CreateMessage(RequestMethod.Post, $"{_serviceEndpoint}/Tables");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        message.Request.Headers.SetValue(HttpHeader.Names.ContentType, TableConstants.JsonContentType);
        message.Request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = Name }));
        Response response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status == 409 && ErrorCode(response) == "TableAlreadyExists" ? response : EnsureSuccess(response);
    }

    /// <summary>Deletes the table and everything in it; a missing table counts as success.</summary>
    public async Task<Response> DeleteAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = CreateMessage(RequestMethod.Delete, $"{_serviceEndpoint}/Tables('{EscapeKey(Name)}')");
        Response response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status == 404 ? response : EnsureSuccess(response);
    }

    /// <summary>Inserts a row; an existing row fails with 409 and ErrorCode EntityAlreadyExists.</summary>
    public async Task<Response> AddEntityAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using HttpMessage message = CreateMessage(RequestMethod.Post, Uri.AbsoluteUri);
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetEntityContent(message.Request, entity);
        return EnsureSuccess(await SendAsync(message, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Inserts the row or, when it exists, merges into or replaces it regardless of its version.</summary>
    public async Task<Response> UpsertEntityAsync(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using HttpMessage message = CreateMessage(WriteMethod(mode), EntityUri(entity.PartitionKey, entity.RowKey));
        SetEntityContent(message.Request, entity);
        return EnsureSuccess(await SendAsync(message, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Merges into or replaces an existing row if it still has the version <paramref name="ifMatch"/>
    /// (<see cref="ETag.All"/> for any version). A changed row fails with <see cref="TableConcurrencyException"/>, a missing one with 404.
    /// </summary>
    public async Task<Response> UpdateEntityAsync(TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (ifMatch == default)
        {
            throw new ArgumentException("An update needs the ETag the row must have; pass ETag.All to update whatever version is stored.", nameof(ifMatch));
        }

        using HttpMessage message = CreateMessage(WriteMethod(mode), EntityUri(entity.PartitionKey, entity.RowKey));
        message.Request.Headers.SetValue(HttpHeader.Names.IfMatch, ifMatch.ToString("H"));
        SetEntityContent(message.Request, entity);
        return EnsureSuccess(await SendAsync(message, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Reads one row; a missing row fails with 404 (ErrorCode ResourceNotFound).</summary>
    public async Task<Response<TableEntity>> GetEntityAsync(string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        (Response response, TableEntity? entity) = await ReadEntityAsync(partitionKey, rowKey, select, missingIsError: true, cancellationToken).ConfigureAwait(false);
        return Response.FromValue(entity!, response);
    }

    /// <summary>Reads one row, or no value when it does not exist.</summary>
    public async Task<NullableResponse<TableEntity>> GetEntityIfExistsAsync(string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        (Response response, TableEntity? entity) = await ReadEntityAsync(partitionKey, rowKey, select, missingIsError: false, cancellationToken).ConfigureAwait(false);
        return new StorageNullableResponse<TableEntity>(response, entity, hasValue: entity is not null);
    }

    /// <summary>
    /// Deletes a row if it has the version <paramref name="ifMatch"/> (default: any version). A missing row counts as
    /// success; a changed row fails with <see cref="TableConcurrencyException"/>.
    /// </summary>
    public async Task<Response> DeleteEntityAsync(string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rowKey);
        using HttpMessage message = CreateMessage(RequestMethod.Delete, EntityUri(partitionKey, rowKey));
        message.Request.Headers.SetValue(HttpHeader.Names.IfMatch, IfMatchOrAny(ifMatch));
        Response response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status == 404 ? response : EnsureSuccess(response);
    }

    /// <summary>
    /// Rows matching an OData filter (all rows when null), page by page, following the service's continuation
    /// headers. A page holds at most <paramref name="maxPerPage"/> rows (the service caps pages at 1,000) and can hold fewer.
    /// </summary>
    public AsyncPageable<TableEntity> QueryAsync(string? filter = null, int? maxPerPage = null, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        if (maxPerPage is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPerPage), maxPerPage, $"A page holds 1 to {MaxPageSize} rows.");
        }

        string[]? selected = select?.ToArray();
        return new StorageAsyncPageable<TableEntity>(
            (continuation, pageSizeHint, token) => QueryPageAsync(filter, pageSizeHint ?? maxPerPage, selected, continuation, token),
            cancellationToken);
    }

    /// <summary>
    /// Runs up to 100 actions on one partition as an entity group transaction: all succeed or none does.
    /// The value holds one response per action, in order. A rejected action fails the whole transaction with
    /// <see cref="TableTransactionFailedException"/>, which names the action's index.
    /// </summary>
    public async Task<Response<IReadOnlyList<Response>>> SubmitTransactionAsync(IEnumerable<TableTransactionAction> transactionActions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transactionActions);
        TableTransactionAction[] actions = transactionActions.ToArray();
        if (actions.Length is 0 or > MaxTransactionActions)
        {
            throw new ArgumentException($"A transaction holds 1 to {MaxTransactionActions} actions, not {actions.Length}.", nameof(transactionActions));
        }

        if (actions.Any(a => a is null) || actions.Select(a => a.Entity.PartitionKey).Distinct(StringComparer.Ordinal).Skip(1).Any())
        {
            throw new ArgumentException("All actions of a transaction act on rows of one partition.", nameof(transactionActions));
        }

        var body = new TableTransactionRequestBody(actions.Select(ToChangesetRequest));
        using HttpMessage message = CreateMessage(RequestMethod.Post, $"{_serviceEndpoint}/$batch", TableConstants.AcceptMinimalMetadata);
        message.Request.Headers.SetValue(HttpHeader.Names.ContentType, body.ContentType);
        message.Request.Content = RequestContent.Create(body.ToBytes());
        Response response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.IsError)
        {
            throw TransactionFailed(response);
        }

        IReadOnlyList<TableTransactionResponse> results = TableTransactionResponseReader.Read(response);
        if (results.FirstOrDefault(r => r.IsError) is { } failed)
        {
            throw TransactionFailed(failed);
        }

        if (results.Count != actions.Length)
        {
            throw new RequestFailedException(response.Status, $"The Table service answered a transaction of {actions.Length} actions with {results.Count} responses.");
        }

        return Response.FromValue<IReadOnlyList<Response>>(results, response);
    }

    private async Task<(Response Response, TableEntity? Entity)> ReadEntityAsync(
        string partitionKey, string rowKey, IEnumerable<string>? select, bool missingIsError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rowKey);
        using HttpMessage message = CreateMessage(RequestMethod.Get, EntityUri(partitionKey, rowKey), TableConstants.AcceptMinimalMetadata);
        AppendSelect(message.Request, select);
        Response response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404 && !missingIsError)
        {
            return (response, null);
        }

        EnsureSuccess(response);
        using JsonDocument json = JsonDocument.Parse(response.Content.ToMemory());
        return (response, TableEntitySerializer.Read(json.RootElement, response.Headers.ETag ?? default));
    }

    private async Task<Page<TableEntity>> QueryPageAsync(string? filter, int? top, string[]? select, string? continuation, CancellationToken cancellationToken)
    {
        using HttpMessage message = CreateMessage(RequestMethod.Get, $"{Uri.AbsoluteUri}()", TableConstants.AcceptMinimalMetadata);
        RequestUriBuilder uri = message.Request.Uri;
        if (filter is not null)
        {
            uri.AppendQuery("$filter", filter);
        }

        if (top is not null)
        {
            uri.AppendQuery("$top", top.Value.ToString(CultureInfo.InvariantCulture));
        }

        AppendSelect(message.Request, select);
        if (continuation is not null)
        {
            (string nextPartitionKey, string? nextRowKey) = ParseContinuation(continuation);
            uri.AppendQuery("NextPartitionKey", nextPartitionKey);
            if (nextRowKey is not null)
            {
                uri.AppendQuery("NextRowKey", nextRowKey);
            }
        }

        Response response = EnsureSuccess(await SendAsync(message, cancellationToken).ConfigureAwait(false));
        using JsonDocument json = JsonDocument.Parse(response.Content.ToMemory());
        TableEntity[] entities = json.RootElement.TryGetProperty("value", out JsonElement rows)
            ? rows.EnumerateArray().Select(row => TableEntitySerializer.Read(row)).ToArray()
            : [];
        return Page<TableEntity>.FromValues(entities, FormatContinuation(response), response);
    }

    /// <summary>The continuation token handed to callers: the service's next partition and row keys, space-separated (neither holds spaces).</summary>
    private static string? FormatContinuation(Response response) =>
        response.Headers.TryGetValue(ContinuationPartitionKeyHeader, out string? nextPartitionKey)
            ? response.Headers.TryGetValue(ContinuationRowKeyHeader, out string? nextRowKey) ? $"{nextPartitionKey} {nextRowKey}" : nextPartitionKey
            : null;

    private static (string NextPartitionKey, string? NextRowKey) ParseContinuation(string continuation)
    {
        int space = continuation.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (continuation, null) : (continuation[..space], continuation[(space + 1)..]);
    }

    private TableTransactionRequest ToChangesetRequest(TableTransactionAction action)
    {
        TableEntity entity = action.Entity;
        string entityUri = EntityUri(entity.PartitionKey, entity.RowKey);
        return action.ActionType switch
        {
            TableTransactionActionType.Add => new TableTransactionRequest(RequestMethod.Post, Uri.AbsoluteUri, null, entity),
            TableTransactionActionType.UpdateMerge => new TableTransactionRequest(MergeMethod, entityUri, IfMatchOrAny(action.IfMatch), entity),
            TableTransactionActionType.UpdateReplace => new TableTransactionRequest(RequestMethod.Put, entityUri, IfMatchOrAny(action.IfMatch), entity),
            TableTransactionActionType.Delete => new TableTransactionRequest(RequestMethod.Delete, entityUri, IfMatchOrAny(action.IfMatch), null),
            TableTransactionActionType.UpsertMerge => new TableTransactionRequest(MergeMethod, entityUri, null, entity),
            TableTransactionActionType.UpsertReplace => new TableTransactionRequest(RequestMethod.Put, entityUri, null, entity),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action.ActionType, "Unknown transaction action type."),
        };
    }

    /// <summary>The service prefixes the failing action's index to the error message: "3:The specified entity already exists.".</summary>
    private static TableTransactionFailedException TransactionFailed(Response failed)
    {
        (_, string? errorMessage) = StorageErrorDetailsParser.ReadBody(failed);
        Match index = FailedIndexPattern().Match(errorMessage ?? string.Empty);
        int? failedIndex = index.Success && int.TryParse(index.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) ? parsed : null;
        return new TableTransactionFailedException(failed, StorageErrorDetailsParser.Instance, failedIndex);
    }

    private HttpMessage CreateMessage(RequestMethod method, string uri, string accept = TableConstants.AcceptNoMetadata)
    {
        HttpMessage message = _pipeline.CreateMessage();
        Request request = message.Request;
        request.Method = method;
        request.Uri.Reset(new Uri(uri));
        request.Headers.SetValue(HttpHeader.Names.Accept, accept);
        request.Headers.SetValue("DataServiceVersion", "3.0");
        return message;
    }

    private async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return message.Response;
    }

    private static Response EnsureSuccess(Response response) => response.Status switch
    {
        412 => throw new TableConcurrencyException(response, StorageErrorDetailsParser.Instance),
        _ when response.IsError => throw new RequestFailedException(response),
        _ => response,
    };

    private static string? ErrorCode(Response response) =>
        response.Headers.TryGetValue("x-ms-error-code", out string? code) ? code : StorageErrorDetailsParser.ReadBody(response).Code;

    private static void SetEntityContent(Request request, TableEntity entity)
    {
        request.Headers.SetValue(HttpHeader.Names.ContentType, TableConstants.JsonContentType);
        request.Content = RequestContent.Create(TableEntitySerializer.Serialize(entity));
    }

    /// <summary>Keys always come back, so an entity read with a projection still says which row it is.</summary>
    private static void AppendSelect(Request request, IEnumerable<string>? select)
    {
        if (select is not null)
        {
            IEnumerable<string> columns = new[] { TableConstants.PartitionKey, TableConstants.RowKey }.Concat(select).Distinct(StringComparer.Ordinal);
            request.Uri.AppendQuery("$select", string.Join(',', columns));
        }
    }

    private static RequestMethod WriteMethod(TableUpdateMode mode) => mode switch
    {
        TableUpdateMode.Merge => MergeMethod,
        TableUpdateMode.Replace => RequestMethod.Put,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown update mode."),
    };

    private static string IfMatchOrAny(ETag ifMatch) => ifMatch == default ? "*" : ifMatch.ToString("H");

    private string EntityUri(string partitionKey, string rowKey) =>
        $"{Uri.AbsoluteUri}(PartitionKey='{EscapeKey(partitionKey)}',RowKey='{EscapeKey(rowKey)}')";

    /// <summary>A key inside an OData key literal in a URL: quotes doubled, then percent-encoded.</summary>
    private static string EscapeKey(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();

    [GeneratedRegex(@"^(\d+):")]
    private static partial Regex FailedIndexPattern();
}
