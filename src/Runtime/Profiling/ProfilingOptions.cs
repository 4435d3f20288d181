namespace GfpAnalyzers.Runtime;

/// <summary>How memory allocation profiling (CONFIG_MEM_ALLOC_PROFILING) is configured.</summary>
public sealed record ProfilingOptions
{
    /// <summary>sysctl vm.mem_profiling: allocations are accounted to their call site's tag.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>CONFIG_MEM_ALLOC_PROFILING_DEBUG: freeing a page whose tag was never set warns "alloc_tag was not set".</summary>
    public bool DebugChecks { get; init; } = true;

    /// <summary>
    /// Whether page_ext (which holds each page's tag reference) is already initialised. False models early
    /// boot: allocations get no tag until <see cref="AllocProfiling.InitPageExt"/> runs.
    /// </summary>
    public bool PageExtInitialized { get; init; } = true;

    /// <summary>
    /// mem_profiling_compressed: tag references are stored as small indices in spare page-flag bits instead of
    /// page_ext, so they exist from the first allocation on.
    /// </summary>
    public bool Compressed { get; init; }

    /// <summary>Page-flag bits available for a compressed tag index (two values are reserved: no tag and CODETAG_EMPTY).</summary>
    public int CompressedIndexBits { get; init; } = 10;
}
