using Azure;

namespace PushFunctions.Azure.Storage;

/// <summary>
/// Pages fetched one request at a time: each page's continuation token asks for the next, until a page has none.
/// </summary>
internal sealed class StorageAsyncPageable<T>(
    Func<string?, int?, CancellationToken, Task<Page<T>>> fetchPage,
    CancellationToken cancellationToken) : AsyncPageable<T>(cancellationToken) where T : notnull
{
    public override async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
    {
        string? next = continuationToken;
        do
        {
            Page<T> page = await fetchPage(next, pageSizeHint, CancellationToken).ConfigureAwait(false);
            next = page.ContinuationToken;
            yield return page;
        }
        while (next is not null);
    }
}
