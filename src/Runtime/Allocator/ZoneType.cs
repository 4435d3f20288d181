namespace GfpAnalyzers.Runtime;

/// <summary>The memory zones of the model (a 64-bit machine: no ZONE_HIGHMEM), lowest first.</summary>
public enum ZoneType
{
    /// <summary>ZONE_DMA: the lowest 16 MiB.</summary>
    Dma = 0,

    /// <summary>ZONE_DMA32: memory a 32-bit device can address.</summary>
    Dma32 = 1,

    /// <summary>ZONE_NORMAL.</summary>
    Normal = 2,

    /// <summary>ZONE_MOVABLE: only movable allocations (<c>__GFP_HIGHMEM | __GFP_MOVABLE</c>).</summary>
    Movable = 3,
}
