using GfpAnalyzers.Runtime;

namespace EarlyPfn;

/// <summary>
/// struct pfn_pool: one page of PFNs. In Linux the node lives inside its page (next pointer, atomic count, then as
/// many PFNs as fit in the rest); here the page is kept alongside the arrays that model its contents.
/// </summary>
public sealed class PfnPool(Page page, PfnPool? next)
{
    /// <summary>(PAGE_SIZE - sizeof(next) - sizeof(count)) / sizeof(unsigned long), for 4 KiB pages.</summary>
    public const int Capacity = (4096 - 8 - 8) / sizeof(ulong);

    /// <summary>The page this node lives in: allocated with NoCodetag, so it is cleared before it is freed.</summary>
    [NoCodetagPages]
    public Page Page { get; } = page;

    public PfnPool? Next { get; } = next;

    /// <summary>Slots handed out so far (atomic_t count); may run past <see cref="Capacity"/> when the node is full.</summary>
    public int Count = 1;

    public ulong[] Pfns { get; } = new ulong[Capacity];
}
