namespace PushFunctions.Gateway.Sessions;

/// <summary>Who is trying to log in: the login tried and the client's address (its limit key, see <c>ClientAddress</c>).</summary>
public sealed record LoginSource(string Login, string Address);
