using GfpAnalyzers.Runtime;

namespace EarlyPfn;

/// <summary>
/// struct pfn_pool: one page of PFNs, a next pointer and an atomic slot count. In Linux the node lives inside its
/// page; here the page is kept alongside the fields that model its contents.
/// </summary>
public sealed class PfnPoolNode(Page page, PfnPoolNode? next)
{
    /// <summary>(PAGE_SIZE - sizeof(next) - sizeof(count)) / sizeof(unsigned long): 510 PFNs per page.</summary>
    public const int Capacity = (PageAllocator.PageSize - 16) / sizeof(ulong);

    /// <summary>The page this node lives in. It was allocated with NoCodetag: clear its tag reference before freeing it.</summary>
    [NoCodetagPages]
    public Page Page { get; } = page;

    public PfnPoolNode? Next { get; } = next;

    /// <summary>Slots handed out (atomic_t count); runs past <see cref="Capacity"/> once the node is full.</summary>
    public int Count = 1;

    public ulong[] Pfns { get; } = new ulong[Capacity];
}
