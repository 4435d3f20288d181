namespace GfpAnalyzers.Runtime;

/// <summary>
/// The shape of a <see cref="PageAllocator"/>'s memory. Zone boundaries are page frame numbers; the
/// defaults are a 256 MiB, one-node machine whose DMA32 limit is scaled down with it (Linux's is 4 GiB).
/// </summary>
public sealed record AllocatorOptions
{
    /// <summary>The largest number of page frames a model may have (64 GiB).</summary>
    public const long MaxTotalPages = 1L << 24;

    /// <summary>Page frames in the machine, split evenly over the nodes (the last node takes the remainder).</summary>
    public long TotalPages { get; init; } = 65536;

    /// <summary>NUMA nodes (1 to 64).</summary>
    public int Nodes { get; init; } = 1;

    /// <summary>ZONE_DMA ends at this PFN (16 MiB on x86-64); 0 for no DMA zone.</summary>
    public long DmaEndPfn { get; init; } = 4096;

    /// <summary>ZONE_DMA32 ends at this PFN; memory above it (on each node) is ZONE_NORMAL.</summary>
    public long Dma32EndPfn { get; init; } = 32768;

    /// <summary>The top pages of each node that form ZONE_MOVABLE (Linux's movablecore=); 0 for none.</summary>
    public long MovablePagesPerNode { get; init; }

    /// <summary>
    /// vm.min_free_kbytes in pages, shared out over the zones as their min watermarks. Null: Linux's default,
    /// sqrt(16 × lowmem KiB) KiB, clamped to 128 KiB…256 MiB.
    /// </summary>
    public long? MinFreePages { get; init; }

    /// <summary>vm.watermark_scale_factor (in 1/10000 of a zone): the gap between min, low and high.</summary>
    public int WatermarkScaleFactor { get; init; } = 10;

    /// <summary>Memory allocation profiling. The default is the post-boot state: enabled, debug checks on, page_ext ready.</summary>
    public ProfilingOptions Profiling { get; init; } = new();

    internal void Validate()
    {
        if (TotalPages is < 1 or > MaxTotalPages)
        {
            throw new ArgumentOutOfRangeException(nameof(TotalPages), TotalPages, $"TotalPages must be between 1 and {MaxTotalPages}.");
        }

        if (Nodes < 1 || Nodes > 64 || Nodes > TotalPages)
        {
            throw new ArgumentOutOfRangeException(nameof(Nodes), Nodes, "Nodes must be between 1 and 64, and at most TotalPages.");
        }

        if (DmaEndPfn < 0 || Dma32EndPfn < DmaEndPfn)
        {
            throw new ArgumentOutOfRangeException(nameof(Dma32EndPfn), Dma32EndPfn, "Zone limits must satisfy 0 <= DmaEndPfn <= Dma32EndPfn.");
        }

        if (MovablePagesPerNode < 0 || MovablePagesPerNode > TotalPages / Nodes)
        {
            throw new ArgumentOutOfRangeException(nameof(MovablePagesPerNode), MovablePagesPerNode, "MovablePagesPerNode must be between 0 and the pages of one node.");
        }

        if (MinFreePages is < 0 || WatermarkScaleFactor is < 1 or > 3000)
        {
            throw new ArgumentOutOfRangeException(nameof(MinFreePages), "MinFreePages must not be negative and WatermarkScaleFactor must be 1..3000.");
        }
    }
}
