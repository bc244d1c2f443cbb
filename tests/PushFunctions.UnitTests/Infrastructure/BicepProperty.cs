namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>One <c>key: value</c> line of an object literal; <see cref="ValueStart"/> locates a nested object or array.</summary>
internal sealed record BicepProperty(string Key, string Value, int ValueStart);
