namespace GfpAnalyzers.Runtime.Tests;

/// <summary>Small allocators with round numbers, so tests can reason about exact watermarks.</summary>
internal static class Models
{
    /// <summary>
    /// One ZONE_NORMAL of <paramref name="pages"/> per node; min watermark <paramref name="minFree"/> shared over
    /// the nodes. With 1024 pages and 64: min 64, low 80, high 96.
    /// </summary>
    public static PageAllocator Normal(long pages = 1024, int nodes = 1, long minFree = 64, bool pageExt = true, KernelLog? log = null)
        => new(
            new AllocatorOptions
            {
                TotalPages = pages * nodes,
                Nodes = nodes,
                DmaEndPfn = 0,
                Dma32EndPfn = 0,
                MinFreePages = minFree * nodes,
                Profiling = new ProfilingOptions { PageExtInitialized = pageExt },
            },
            log);

    /// <summary>Allocates order-0 pages with <paramref name="gfp"/> until one fails; returns them.</summary>
    public static List<Page> Drain(PageAllocator allocator, Gfp gfp, int node = 0)
    {
        var pages = new List<Page>();
        while (allocator.AllocPagesNode(node, gfp | Gfp.NoWarn, 0) is { } page)
        {
            pages.Add(page);
        }

        return pages;
    }
}
