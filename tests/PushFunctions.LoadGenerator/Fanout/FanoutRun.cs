using System.Globalization;

namespace PushFunctions.LoadGenerator.Fanout;

/// <summary>One benchmark ping: its size, its outcomes, and its time split by the hub's arrival times.</summary>
public sealed record FanoutRun(
    int Users, int Handles, int Sent, int Failed, TimeSpan Total, TimeSpan PickupAndReads, TimeSpan Sends, TimeSpan Recording)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Users} users, {Handles} handles at the hub, {Sent} sent, {Failed} failed; total {Total.TotalSeconds:0.000} s = " +
        $"queue pickup + registration reads {PickupAndReads.TotalSeconds:0.000} s, sends {Sends.TotalSeconds:0.000} s, recording outcomes {Recording.TotalSeconds:0.000} s");
}
