using Azure;

namespace PushFunctions.Azure.Tables;

/// <summary>
/// A table row: its keys, the service-managed Timestamp and ETag, and a bag of typed properties.
/// Property values are the Table service's types: string, bool, int (Edm.Int32), long (Edm.Int64), double,
/// DateTimeOffset (Edm.DateTime; a DateTime is stored as its UTC instant), Guid and byte[] (Edm.Binary).
/// A null value removes the property from what is sent.
/// </summary>
public sealed class TableEntity
{
    private readonly Dictionary<string, object> _properties = new(StringComparer.Ordinal);
    private string _partitionKey;
    private string _rowKey;

    public TableEntity(string partitionKey, string rowKey)
    {
        _partitionKey = ValidateKey(partitionKey, nameof(partitionKey));
        _rowKey = ValidateKey(rowKey, nameof(rowKey));
    }

    public string PartitionKey
    {
        get => _partitionKey;
        set => _partitionKey = ValidateKey(value, nameof(PartitionKey));
    }

    public string RowKey
    {
        get => _rowKey;
        set => _rowKey = ValidateKey(value, nameof(RowKey));
    }

    /// <summary>The version the service last returned for this row; pass it back as If-Match for optimistic concurrency.</summary>
    public ETag ETag { get; set; }

    /// <summary>When the service last modified the row (null on an entity not read from the service).</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>The names of the custom properties (not PartitionKey, RowKey or Timestamp).</summary>
    public ICollection<string> Keys => _properties.Keys;

    /// <summary>
    /// A property value, or null when absent. PartitionKey, RowKey and Timestamp read the dedicated members;
    /// PartitionKey and RowKey can also be set here, Timestamp is the service's to set.
    /// </summary>
    public object? this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            return key switch
            {
                TableConstants.PartitionKey => PartitionKey,
                TableConstants.RowKey => RowKey,
                TableConstants.Timestamp => Timestamp,
                _ => _properties.GetValueOrDefault(key),
            };
        }

        set
        {
            ArgumentNullException.ThrowIfNull(key);
            switch (key)
            {
                case TableConstants.PartitionKey:
                    PartitionKey = value as string ?? throw new ArgumentException("PartitionKey must be a string.", nameof(key));
                    break;
                case TableConstants.RowKey:
                    RowKey = value as string ?? throw new ArgumentException("RowKey must be a string.", nameof(key));
                    break;
                case TableConstants.Timestamp:
                    throw new ArgumentException("Timestamp is set by the Table service.", nameof(key));
                default:
                    SetProperty(key, value);
                    break;
            }
        }
    }

    public bool ContainsKey(string key) =>
        key is TableConstants.PartitionKey or TableConstants.RowKey || (key == TableConstants.Timestamp ? Timestamp.HasValue : _properties.ContainsKey(key));

    public bool Remove(string key) => _properties.Remove(key);

    public string? GetString(string key) => (string?)Typed<string>(key);

    public bool? GetBoolean(string key) => (bool?)Typed<bool>(key);

    public int? GetInt32(string key) => (int?)Typed<int>(key);

    /// <summary>An Edm.Int64, or an Edm.Int32 widened (the service keeps small numbers written without a type as Int32).</summary>
    public long? GetInt64(string key) => _properties.GetValueOrDefault(key) is int narrow ? narrow : (long?)Typed<long>(key);

    /// <summary>An Edm.Double, or a whole number widened (JSON does not tell 2.0 from 2 without the type annotation).</summary>
    public double? GetDouble(string key) => _properties.GetValueOrDefault(key) switch
    {
        int whole => whole,
        long whole => whole,
        _ => (double?)Typed<double>(key),
    };

    public DateTimeOffset? GetDateTimeOffset(string key) => (DateTimeOffset?)Typed<DateTimeOffset>(key);

    public Guid? GetGuid(string key) => (Guid?)Typed<Guid>(key);

    public byte[]? GetBinary(string key) => (byte[]?)Typed<byte[]>(key);

    /// <summary>The custom properties in insertion order, for serialisation.</summary>
    internal IEnumerable<KeyValuePair<string, object>> Properties => _properties;

    /// <summary>The boxed value when it is a <typeparamref name="T"/>, null when absent; another type is a caller's mistake worth naming.</summary>
    private object? Typed<T>(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _properties.TryGetValue(key, out object? value) switch
        {
            false => null,
            true when value is T => value,
            true => throw new InvalidOperationException($"Property '{key}' holds a {value.GetType().Name}, not a {typeof(T).Name}."),
        };
    }

    private void SetProperty(string key, object? value)
    {
        if (key.Length == 0 || key.StartsWith("odata.", StringComparison.Ordinal) || key.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{key}' is not a valid table property name.", nameof(key));
        }

        object? normalised = value switch
        {
            null => null,
            string or bool or int or long or double or DateTimeOffset or Guid or byte[] => value,
            DateTime instant => TableEntitySerializer.ToInstant(instant),
            BinaryData binary => binary.ToArray(),
            _ => throw new ArgumentException(
                $"Property '{key}' has type {value.GetType().Name}; tables store string, bool, int, long, double, DateTimeOffset, DateTime, Guid and byte[].",
                nameof(value)),
        };

        if (normalised is null)
        {
            _properties.Remove(key);
        }
        else
        {
            _properties[key] = normalised;
        }
    }

    private static string ValidateKey(string key, string name)
    {
        ArgumentNullException.ThrowIfNull(key, name);
        // The service refuses these characters in keys; saying so here beats a 400 with a generic message.
        if (key.AsSpan().IndexOfAny(['/', '\\', '#', '?']) >= 0 || key.Any(char.IsControl))
        {
            throw new ArgumentException($"{name} must not contain '/', '\\', '#', '?' or control characters.", name);
        }

        return key;
    }
}
