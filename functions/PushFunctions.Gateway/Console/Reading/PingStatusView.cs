using PushFunctions.Core.Status;

namespace PushFunctions.Gateway.Console.Reading;

/// <summary>
/// A ping's status as a page shows it: a page of its devices, the counts over all of them, and whether the page's
/// script keeps it up to date (only a first page that holds every device: the script redraws the first page).
/// </summary>
public sealed record PingStatusView(PingStatusPage Page, bool FirstPage)
{
    public const int DevicesPerPage = 500;

    public PingStatus Status => Page.Status;

    public bool IsFinal => Status.State is PingState.Done or PingState.Failed or PingState.Rejected;

    public bool Live => FirstPage && Page.Continuation is null && !IsFinal;
}
