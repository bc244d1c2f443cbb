using Azure;

namespace PushFunctions.Azure.Storage;

/// <summary>A response that may carry no value (Azure.Core has the abstract type but no public factory).</summary>
internal sealed class StorageNullableResponse<T>(Response rawResponse, T? value, bool hasValue) : NullableResponse<T>
{
    public override bool HasValue => hasValue;

    public override T Value => hasValue
        ? value!
        : throw new InvalidOperationException($"The response (status {rawResponse.Status}) has no value; check HasValue first.");

    public override Response GetRawResponse() => rawResponse;
}
