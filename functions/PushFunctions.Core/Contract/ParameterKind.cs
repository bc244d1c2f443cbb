namespace PushFunctions.Core.Contract;

/// <summary>The shape a request parameter arrived in, whatever the body's content type. A JSON object is a Structure.</summary>
public enum ParameterKind
{
    Text,
    Number,
    Boolean,
    Null,
    List,
    Structure,
}
