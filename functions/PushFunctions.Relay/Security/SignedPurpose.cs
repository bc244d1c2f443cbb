namespace PushFunctions.Relay.Security;

/// <summary>What a signed value is for; part of the signed text so one kind cannot pass as another.</summary>
public enum SignedPurpose
{
    /// <summary>An instance id, bound to the user who asked for it.</summary>
    Instance,

    /// <summary>The <c>instance</c> cookie, bound to the instance id.</summary>
    InstanceCookie,

    /// <summary>A registration token, bound to the app name.</summary>
    RegistrationToken,
}
