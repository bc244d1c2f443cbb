namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>A <c>param</c> declaration: it must be supplied unless it has a default or a nullable type.</summary>
internal sealed record BicepParameter(string Name, string Type, bool HasDefault)
{
    public bool IsRequired => !HasDefault && !Type.EndsWith('?');
}
