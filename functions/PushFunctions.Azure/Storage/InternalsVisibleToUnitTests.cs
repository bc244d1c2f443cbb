using System.Runtime.CompilerServices;

// The Shared Key signature is checked against a fixed vector, which needs the signing policy with a fixed clock.
[assembly: InternalsVisibleTo("PushFunctions.UnitTests")]
