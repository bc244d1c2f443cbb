namespace PushFunctions.Import.Importing;

/// <summary>The run cannot go on: <see cref="Exception.Message"/> is the fixed phrase the summary gives as its failure.</summary>
internal sealed class ImportAbortedException(string reason, Exception? innerException = null) : Exception(reason, innerException);
