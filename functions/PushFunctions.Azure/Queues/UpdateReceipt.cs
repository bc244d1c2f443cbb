namespace PushFunctions.Azure.Queues;

/// <summary>The result of updating a message: the pop receipt to use from now on, and when it becomes visible.</summary>
public sealed record UpdateReceipt(string PopReceipt, DateTimeOffset NextVisibleOn);
