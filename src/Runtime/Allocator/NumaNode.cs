namespace GfpAnalyzers.Runtime;

/// <summary>A NUMA node (<c>pg_data_t</c>): its zones and its kswapd.</summary>
public sealed class NumaNode
{
    private int _kswapdAwake;
    private long _kswapdWakeups;

    internal NumaNode(int id, long startPfn, long endPfn, IReadOnlyList<Zone> zones)
    {
        Id = id;
        StartPfn = startPfn;
        EndPfn = endPfn;
        Zones = zones;
    }

    /// <summary>The node id.</summary>
    public int Id { get; }

    /// <summary>The node's first PFN.</summary>
    public long StartPfn { get; }

    /// <summary>The PFN after the node's last one.</summary>
    public long EndPfn { get; }

    /// <summary>The node's populated zones, lowest first.</summary>
    public IReadOnlyList<Zone> Zones { get; }

    /// <summary>How many times an allocation woke this node's kswapd.</summary>
    public long KswapdWakeups => Interlocked.Read(ref _kswapdWakeups);

    /// <summary>Whether kswapd has been woken and has not run yet (<see cref="PageAllocator.RunKswapd"/>).</summary>
    public bool KswapdAwake => Volatile.Read(ref _kswapdAwake) != 0;

    /// <summary>Marks kswapd awake; false if it already was (a running kswapd is not woken again).</summary>
    internal bool TryWakeKswapd()
    {
        if (Interlocked.Exchange(ref _kswapdAwake, 1) != 0)
        {
            return false;
        }

        Interlocked.Increment(ref _kswapdWakeups);
        return true;
    }

    internal void KswapdSleeps() => Volatile.Write(ref _kswapdAwake, 0);
}
