using System.Runtime.InteropServices;

namespace GfpAnalyzers.Runtime.Tests;

/// <summary>
/// The bytes of the model's pages: sections of <see cref="PageMemory.PagesPerSection"/> pages created on first touch,
/// each page zeroed on its first touch, pinned so that a page's bytes keep their address (the early-PFN tracker's hook
/// writes through it).
/// </summary>
public class PageMemoryTests
{
    private const int PageSize = PageAllocator.PageSize;

    [Fact]
    public void Pages_of_one_section_and_of_the_next_have_disjoint_bytes()
    {
        var allocator = Models.Normal(1024);
        var pages = Enumerable.Range(0, PageMemory.PagesPerSection + 2).Select(pfn => allocator.PfnToPage((ulong)pfn)).ToList();

        foreach (var page in pages)
        {
            page.Memory.Fill((byte)(page.Pfn + 1));
        }

        Assert.All(pages, page => Assert.True(page.Memory.ToArray().All(b => b == (byte)(page.Pfn + 1)), $"{page} was overwritten"));
    }

    [Fact]
    public void A_page_reads_zeros_on_first_touch_whatever_its_RAM_held()
    {
        var allocator = Models.Normal(1024);
        var first = allocator.PfnToPage(0);
        var address = first.AddressForOverwrite;
        // The next page of the section is not touched yet: leave bytes in its RAM, as a previous user of the section would.
        for (var offset = 0; offset < PageSize; offset += 97)
        {
            Marshal.WriteByte(address + PageSize + offset, 0xEE);
        }

        Assert.True(allocator.PfnToPage(1).Memory.ToArray().All(b => b == 0));
    }

    [Fact]
    public void Bytes_taken_for_overwriting_are_not_cleared_by_a_later_touch()
    {
        var allocator = Models.Normal(1024);
        var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag)!;
        var address = page.AddressForOverwrite;
        Marshal.WriteInt64(address + 16, 0x1234_5678);

        Assert.Equal(0x1234_5678, BitConverter.ToInt64(page.Memory[16..24]));
        Assert.Equal(address, page.AddressForOverwrite);
    }

    [Fact]
    public void A_page_keeps_the_address_of_its_bytes_across_compacting_collections()
    {
        var allocator = Models.Normal(1024);
        var page = allocator.PfnToPage(5);
        var address = page.AddressForOverwrite;

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        Marshal.WriteByte(address + 100, 0x5A);

        Assert.Equal(address, page.AddressForOverwrite);
        Assert.Equal(0x5A, page.Memory[100]);
    }

    [Fact]
    public async Task Threads_touching_a_page_first_at_once_share_its_bytes()
    {
        var allocator = Models.Normal(1024);
        using var start = new Barrier(2);
        var pfns = Enumerable.Range(0, 512).Select(pfn => (ulong)pfn).ToArray();

        // Each thread writes its own half of every page right after touching it: a page zeroed after the other's write, or
        // two different arrays for one page, loses a half.
        void Touch(int half)
        {
            start.SignalAndWait(TestTimeouts.Long);
            foreach (var pfn in pfns)
            {
                allocator.PfnToPage(pfn).Memory.Slice(half * (PageSize / 2), PageSize / 2).Fill((byte)(half + 1));
            }
        }

        await Task.WhenAll(TestTimeouts.Thread(() => Touch(0)), TestTimeouts.Thread(() => Touch(1))).Within();

        Assert.All(pfns, pfn =>
        {
            var bytes = allocator.PfnToPage(pfn).Memory;
            Assert.True(bytes[..(PageSize / 2)].ToArray().All(b => b == 1) && bytes[(PageSize / 2)..].ToArray().All(b => b == 2), $"pfn {pfn}");
        });
    }

    [Fact]
    public void A_page_of_no_allocator_has_zeroed_bytes_but_no_fixed_address()
    {
        var page = new Page();

        Assert.Equal(PageSize, page.Memory.Length);
        Assert.True(page.Memory.ToArray().All(b => b == 0));
        Assert.Throws<InvalidOperationException>(() => page.AddressForOverwrite);
    }
}
