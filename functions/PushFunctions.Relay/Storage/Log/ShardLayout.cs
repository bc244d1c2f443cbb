namespace PushFunctions.Relay.Storage.Log;

/// <summary>The entities of one shard partition by sequence number and checkpoint marks, without their records.</summary>
internal sealed class ShardLayout
{
    private readonly List<(long Sequence, long? Checkpoint)> entities = [];
    private readonly Dictionary<long, (long AsOf, int Parts, int Found)> checkpoints = [];

    public IReadOnlyList<(long Sequence, long? Checkpoint)> Entities => entities;

    public long HighestSequence { get; private set; }

    public void Add(long sequence, long? checkpoint, long? asOf, int? parts)
    {
        entities.Add((sequence, checkpoint));
        HighestSequence = Math.Max(HighestSequence, sequence);
        if (checkpoint is { } id)
        {
            var found = checkpoints.GetValueOrDefault(id, (AsOf: asOf ?? 0, Parts: parts ?? 0, Found: 0));
            checkpoints[id] = found with { Found = found.Found + 1 };
        }
    }

    /// <summary>The complete checkpoint (every one of its entities present) that covers the most, or null.</summary>
    public (long Id, long AsOf)? NewestCheckpoint() => checkpoints
        .Where(checkpoint => checkpoint.Value.Found == checkpoint.Value.Parts)
        .OrderByDescending(checkpoint => checkpoint.Value.AsOf)
        .ThenByDescending(checkpoint => checkpoint.Key)
        .Select(checkpoint => ((long Id, long AsOf)?)(checkpoint.Key, checkpoint.Value.AsOf))
        .FirstOrDefault();
}
