using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GfpAnalyzers.Runtime;

/// <summary>
/// A <c>struct page</c>: one page frame of a <see cref="PageAllocator"/>. There is one object per PFN
/// (<see cref="PageAllocator.PfnToPage"/> always returns the same one); an allocation returns the head page of its block.
/// </summary>
public sealed class Page
{
    // The array that holds the page's bytes (its allocator's section, or a page of its own for an ownerless page), set
    // once the bytes exist; _memoryState goes 0 -> 1 when one thread starts preparing them.
    private readonly int _offset;
    private byte[]? _section;
    private int _memoryState;

    /// <summary>Creates a page that belongs to no allocator: every allocator rejects it as foreign.</summary>
    public Page() { }

    internal Page(PageAllocator owner, ulong pfn)
    {
        Owner = owner;
        Pfn = pfn;
        _offset = PageMemory.OffsetOf(pfn);
    }

    /// <summary>The page frame number.</summary>
    public ulong Pfn { get; }

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

    /// <summary>
    /// The page's <see cref="PageAllocator.PageSize"/> bytes (<c>page_address()</c>). They read as zeros until written,
    /// unless the page was last used by a pool of the early-PFN tracker (see <see cref="AddressForOverwrite"/>).
    /// </summary>
    public Span<byte> Memory => MemoryMarshal.CreateSpan(ref Bytes(clear: true), PageAllocator.PageSize);

    /// <summary>The allocator the page belongs to; null for a page made with <c>new Page()</c>.</summary>
    internal PageAllocator? Owner { get; }

    /// <summary>
    /// The fixed address of the page's bytes, for a user that writes every byte it later reads (a <c>pfn_pool</c> writes
    /// its header and reads only the slots it filled). Bytes that did not exist yet are not zeroed first: what
    /// <c>alloc_page()</c> without <c>__GFP_ZERO</c> hands out in Linux too (whatever the RAM held). The address stays
    /// valid while the page's allocator is reachable (its <see cref="PageMemory"/> keeps the section pinned).
    /// </summary>
    /// <exception cref="InvalidOperationException">The page belongs to no allocator (its bytes are not pinned).</exception>
    internal unsafe nint AddressForOverwrite
    {
        get
        {
            if (Owner is null)
            {
                throw new InvalidOperationException($"{this} belongs to no allocator: its bytes have no fixed address.");
            }

            return (nint)Unsafe.AsPointer(ref Bytes(clear: false));
        }
    }

    /// <summary>Zeroes the page's bytes if they were ever touched.</summary>
    internal void Zero()
    {
        if (Volatile.Read(ref _section) is { } section)
        {
            section.AsSpan(_offset, PageAllocator.PageSize).Clear();
        }
    }

    /// <summary>The page's first byte; on the page's first touch its bytes come into existence, zeroed if <paramref name="clear"/>.</summary>
    private ref byte Bytes(bool clear)
    {
        var section = Volatile.Read(ref _section) ?? Materialize(clear);
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(section), _offset);
    }

    private byte[] Materialize(bool clear)
    {
        // Only the thread that wins the state prepares the bytes; the section is published once they are ready.
        if (Interlocked.CompareExchange(ref _memoryState, 1, 0) == 0)
        {
            var section = Owner is null ? new byte[PageAllocator.PageSize] : Owner.Ram.SectionOf(Pfn);
            if (clear && Owner is not null)
            {
                section.AsSpan(_offset, PageAllocator.PageSize).Clear();
            }

            Volatile.Write(ref _section, section);
            return section;
        }

        // Another thread is preparing them (clearing 4 KiB at most): wait for it.
        var spinner = default(SpinWait);
        byte[]? ready;
        while ((ready = Volatile.Read(ref _section)) is null)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        return ready;
    }

    /// <inheritdoc/>
    public override string ToString() => $"page pfn 0x{Pfn:x} order {Order}";
}
