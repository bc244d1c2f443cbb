using System.Globalization;
using PushFunctions.Azure.Stores;

namespace PushFunctions.Import.Importing;

/// <summary>Why a user or client was not imported: fixed phrases the summary counts by.</summary>
public static class SkipReasons
{
    public static readonly string UserIdTooLong = $"user id longer than the {TableKeys.MaxIdLength} characters a table key holds";
    public const string ClientIdNotAccepted = "client id is not 32 lowercase hex digits, as RhoConnect issues them";
    public const string OwnedByAnotherUser = "the source's record names another user";
    public static readonly string FieldTooLong = $"a device field longer than {RegistrationStore.MaxFieldLength} characters";

    /// <summary>The source lists the id but does not have it: RhoConnect answers 500 (its handler fails on the missing record), the gateway 404.</summary>
    public static string UnknownAtSource(int status) => string.Create(CultureInfo.InvariantCulture, $"unknown at the source (it answered {status})");
}
