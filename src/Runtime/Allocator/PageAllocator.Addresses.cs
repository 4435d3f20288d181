namespace GfpAnalyzers.Runtime;

public sealed partial class PageAllocator
{
    /// <summary>PAGE_OFFSET: where x86-64's direct map of physical memory starts.</summary>
    public const ulong PageOffset = 0xffff_8880_0000_0000;

    /// <summary>page_address(): the page's kernel virtual address in the direct map.</summary>
    /// <exception cref="ArgumentException">The page belongs to another allocator.</exception>
    public ulong PageAddress(Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        CheckOwned(page);
        return PageOffset + (page.Pfn * PageSize);
    }

    /// <summary>virt_to_page(): the page that contains the direct-map address <paramref name="address"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The address is not in the direct map of this model's memory.</exception>
    public Page VirtToPage(ulong address)
    {
        if (address < PageOffset || !PfnValid((address - PageOffset) / PageSize))
        {
            throw new ArgumentOutOfRangeException(nameof(address), address, $"0x{address:x} is not a direct-map address of this model's memory.");
        }

        return PfnToPage((address - PageOffset) / PageSize);
    }
}
