using System.Runtime.InteropServices;

namespace GfpAnalyzers.Runtime;

/// <summary>
/// The model's RAM: the bytes of an allocator's pages, in sections of <see cref="PagesPerSection"/> pages. A section
/// is one managed array, created (without zeroing) on the first touch of any of its pages, because a model of up to
/// 64 GiB cannot hold all its memory up front. One array per section rather than per page: a page's first touch was a
/// fresh 4 KiB object each time (the garbage collector's allocation slow path, 120–330 ns, once per page).
/// </summary>
/// <remarks>
/// Sections stay pinned for the allocator's lifetime, so a page's bytes have a fixed address, like the kernel's
/// <c>page_address()</c>: the early-PFN tracker's hook keeps the address of its pool page and writes through it with
/// one load and no bounds check. The pins are freed when the allocator (and so this object) is collected.
/// </remarks>
internal sealed class PageMemory
{
    /// <summary>Pages per section: 64 KiB, below the large-object heap's threshold (85,000 bytes).</summary>
    public const int PagesPerSection = 16;

    private const int SectionBytes = PagesPerSection * PageAllocator.PageSize;

    private readonly byte[]?[] _sections;
    private readonly GCHandle[] _pins;

    public PageMemory(long totalPages)
    {
        var sections = (int)((totalPages + PagesPerSection - 1) / PagesPerSection);
        _sections = new byte[]?[sections];
        _pins = new GCHandle[sections];
    }

    ~PageMemory()
    {
        for (var i = 0; i < _pins.Length; i++)
        {
            if (_pins[i].IsAllocated)
            {
                _pins[i].Free();
            }
        }
    }

    /// <summary>Offset of <paramref name="pfn"/>'s bytes in its section.</summary>
    public static int OffsetOf(ulong pfn) => (int)(pfn % PagesPerSection) * PageAllocator.PageSize;

    /// <summary>The section that holds <paramref name="pfn"/>'s bytes, pinned; created on first use, its bytes not zeroed.</summary>
    public byte[] SectionOf(ulong pfn)
    {
        var index = (int)(pfn / PagesPerSection);
        return Volatile.Read(ref _sections[index]) ?? CreateSection(index);
    }

    private byte[] CreateSection(int index)
    {
        // Pinned before it is published: whoever reads the section may take the address of its bytes.
        var section = GC.AllocateUninitializedArray<byte>(SectionBytes);
        var pin = GCHandle.Alloc(section, GCHandleType.Pinned);
        var published = Interlocked.CompareExchange(ref _sections[index], section, null);
        if (published is not null)
        {
            // Another thread created it first: use that one.
            pin.Free();
            return published;
        }

        _pins[index] = pin;
        return section;
    }
}
