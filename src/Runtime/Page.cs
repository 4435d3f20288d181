namespace GfpAnalyzers.Runtime;

/// <summary>A struct page: one page frame of the model. (Skeleton: the runtime issue fills this in.)</summary>
public sealed class Page
{
    /// <summary>The page frame number.</summary>
    public ulong Pfn { get; internal set; }

    /// <summary>The order of the block this page heads (0 for a single page).</summary>
    public int Order { get; internal set; }
}
