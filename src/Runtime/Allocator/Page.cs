namespace GfpAnalyzers.Runtime;

/// <summary>
/// A <c>struct page</c>: one page frame of a <see cref="PageAllocator"/>. There is one object per PFN
/// (<see cref="PageAllocator.PfnToPage"/> always returns the same one); an allocation returns the head page of its block.
/// </summary>
public sealed class Page
{
    private byte[]? _memory;

    /// <summary>Creates a page that belongs to no allocator: every allocator rejects it as foreign.</summary>
    public Page() { }

    internal Page(PageAllocator owner, ulong pfn)
    {
        Owner = owner;
        Pfn = pfn;
    }

    /// <summary>The page frame number.</summary>
    public ulong Pfn { get; internal set; }

    /// <summary>The order of the block this page heads (0 for a single page).</summary>
    public int Order { get; internal set; }

    /// <summary>Whether this page heads a block that is allocated right now.</summary>
    public bool IsAllocated => Owner?.IsAllocatedHead(Pfn) ?? false;

    /// <summary>The node the page belongs to.</summary>
    public int Node => Owner?.ZoneOf(Pfn).NodeId ?? -1;

    /// <summary>The zone the page belongs to.</summary>
    public ZoneType Zone => Owner?.ZoneOf(Pfn).Type ?? ZoneType.Normal;

    /// <summary>The page's codetag reference (page_ext, or page flags in compressed mode).</summary>
    public CodetagRef TagRef => Owner?.Profiling.Read(Pfn) ?? new CodetagRef(CodetagRefState.Unavailable, null);

    /// <summary>The page's <see cref="PageAllocator.PageSize"/> bytes (<c>page_address()</c>), created on first use.</summary>
    public Span<byte> Memory => Backing;

    /// <summary>The allocator the page belongs to; null for a page made with <c>new Page()</c>.</summary>
    internal PageAllocator? Owner { get; }

    internal byte[] Backing
    {
        get
        {
            var memory = Volatile.Read(ref _memory);
            if (memory is null)
            {
                Interlocked.CompareExchange(ref _memory, new byte[PageAllocator.PageSize], null);
                memory = _memory!;
            }

            return memory;
        }
    }

    /// <summary>Zeroes the page's bytes if they were ever touched.</summary>
    internal void Zero()
    {
        if (Volatile.Read(ref _memory) is { } memory)
        {
            Array.Clear(memory);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"page pfn 0x{Pfn:x} order {Order}";
}
