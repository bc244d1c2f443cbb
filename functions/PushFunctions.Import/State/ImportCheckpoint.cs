using PushFunctions.Import.Importing;

namespace PushFunctions.Import.State;

/// <summary>
/// How far an unfinished run got: users are imported in the order of their table keys, and every user up to and
/// including <see cref="LastUserDone"/> is done; <see cref="Progress"/> counts what they did.
/// </summary>
public sealed record ImportCheckpoint(string Source, string LastUserDone, ImportSummary Progress);
