using System.Runtime.CompilerServices;

// The Notification Hubs SAS policy's token reuse is checked with a fixed clock, which needs the policy itself.
[assembly: InternalsVisibleTo("PushFunctions.UnitTests")]
