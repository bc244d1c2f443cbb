namespace PushFunctions.Import.Importing;

/// <summary>How far a run is: users done of those the source lists, and the clients seen so far.</summary>
public readonly record struct ImportProgress(int UsersDone, int Users, int Clients);
