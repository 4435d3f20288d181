namespace GfpAnalyzers.Runtime;

/// <summary>
/// One zone of one node: a PFN range with its buddy free lists and min/low/high watermarks.
/// The buddy state is guarded by the zone lock (<c>zone-&gt;lock</c>).
/// </summary>
public sealed class Zone
{
    private readonly FreeArea _freeArea;

    internal Zone(ZoneType type, int nodeId, long startPfn, long endPfn, sbyte[] freeOrder)
    {
        Type = type;
        NodeId = nodeId;
        StartPfn = startPfn;
        EndPfn = endPfn;
        _freeArea = new FreeArea(startPfn, endPfn, freeOrder);
    }

    /// <summary>The zone's type.</summary>
    public ZoneType Type { get; }

    /// <summary>The node the zone belongs to.</summary>
    public int NodeId { get; }

    /// <summary>The first PFN of the zone.</summary>
    public long StartPfn { get; }

    /// <summary>The PFN after the zone's last one.</summary>
    public long EndPfn { get; }

    /// <summary>Pages the zone manages.</summary>
    public long ManagedPages => EndPfn - StartPfn;

    /// <summary>NR_FREE_PAGES.</summary>
    public long FreePages
    {
        get
        {
            lock (_freeArea)
            {
                return _freeArea.FreePages;
            }
        }
    }

    /// <summary>WMARK_MIN: below it only <c>__GFP_HIGH</c> (down to half of it) and <c>__GFP_MEMALLOC</c> allocate.</summary>
    public long MinWatermark { get; internal set; }

    /// <summary>WMARK_LOW: the fast path's limit; falling below it wakes kswapd.</summary>
    public long LowWatermark { get; internal set; }

    /// <summary>WMARK_HIGH: where kswapd stops reclaiming.</summary>
    public long HighWatermark { get; internal set; }

    /// <summary>Free blocks of each order (0..MAX_PAGE_ORDER), as <c>/proc/buddyinfo</c> shows them.</summary>
    public IReadOnlyList<int> FreeBlocksPerOrder
    {
        get
        {
            lock (_freeArea)
            {
                return _freeArea.BlocksPerOrder();
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"Node {NodeId}, zone {Type}: pfn [0x{StartPfn:x}, 0x{EndPfn:x})";

    internal bool Contains(ulong pfn) => (long)pfn >= StartPfn && (long)pfn < EndPfn;

    /// <summary>The free pages an allocation checked against <paramref name="mark"/> must leave in the zone.</summary>
    internal long WatermarkPages(Watermark mark) => mark switch
    {
        Watermark.Low => LowWatermark,
        Watermark.Min => MinWatermark,
        Watermark.HalfMin => MinWatermark - (MinWatermark / 2),
        _ => 0,
    };

    /// <summary>
    /// Takes a block of 2^order pages if the zone stays at or above <paramref name="mark"/>, and records its order in
    /// <paramref name="allocOrder"/> (the allocator's per-PFN "allocated head" map); -1 otherwise.
    /// </summary>
    internal long TryTake(int order, long mark, sbyte[] allocOrder)
    {
        lock (_freeArea)
        {
            var pfn = _freeArea.FreePages - (1L << order) >= mark ? _freeArea.Take(order) : -1;
            if (pfn >= 0)
            {
                allocOrder[pfn] = (sbyte)order;
            }

            return pfn;
        }
    }

    /// <summary>The buddy free lists; lock on them to hold the zone lock.</summary>
    internal FreeArea Area => _freeArea;
}
