namespace GfpAnalyzers.Runtime.Tests;

public class BuddyTests
{
    [Fact]
    public void An_order_0_allocation_splits_the_max_order_block_and_its_free_merges_it_back()
    {
        var allocator = Models.Normal(1024);
        var zone = allocator.Zones.Single();
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], zone.FreeBlocksPerOrder);

        var page = allocator.AllocPage(Gfp.Kernel)!;

        Assert.Equal(0UL, page.Pfn);
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0], zone.FreeBlocksPerOrder);
        allocator.FreePage(page);
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], zone.FreeBlocksPerOrder);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(PageAllocator.MaxPageOrder)]
    public void Blocks_are_aligned_to_their_order(int order)
    {
        var allocator = Models.Normal(4096);
        allocator.AllocPage(Gfp.Kernel);

        var page = allocator.AllocPages(Gfp.Kernel, order)!;

        Assert.Equal(0UL, page.Pfn % (1UL << order));
        Assert.Equal(order, page.Order);
        Assert.True(page.IsAllocated);
    }

    [Fact]
    public void Mixed_allocations_never_overlap_and_freeing_all_restores_max_order_blocks()
    {
        var allocator = Models.Normal(8192, minFree: 0);
        var random = new Random(42);
        var owned = new HashSet<ulong>();
        var pages = new List<Page>();
        for (var i = 0; i < 300; i++)
        {
            var order = random.Next(0, 5);
            var page = allocator.AllocPages(Gfp.Kernel, order)!;
            for (var pfn = page.Pfn; pfn < page.Pfn + (1UL << order); pfn++)
            {
                Assert.True(owned.Add(pfn), $"pfn {pfn} handed out twice");
            }

            pages.Add(page);
        }

        foreach (var page in pages.OrderBy(_ => random.Next()))
        {
            allocator.FreePages(page, page.Order);
        }

        Assert.Equal(8192, allocator.FreePageCount);
        Assert.Equal(8, allocator.Zones.Single().FreeBlocksPerOrder[PageAllocator.MaxPageOrder]);
    }

    [Fact]
    public void The_lowest_free_page_is_taken_first_wherever_it_was_freed()
    {
        // Free pages far apart (different 64-page words of the free bitmap), highest first: the next allocations
        // still come back lowest first, then continue after the last page handed out.
        var allocator = Models.Normal(4096, minFree: 0);
        var pages = Enumerable.Range(0, 300).Select(_ => allocator.AllocPage(Gfp.Kernel)!).ToList();
        foreach (var pfn in new[] { 290, 131, 7, 200 })
        {
            allocator.FreePage(pages[pfn]);
        }

        var again = Enumerable.Range(0, 5).Select(_ => allocator.AllocPage(Gfp.Kernel)!.Pfn).ToList();

        Assert.Equal([7UL, 131UL, 200UL, 290UL, 300UL], again);
    }

    [Fact]
    public void Zones_off_alignment_hand_out_their_own_pages_smallest_block_first_then_lowest()
    {
        // ZONE_NORMAL starts at pfn 1000, which no block order above 3 divides.
        var allocator = new PageAllocator(new AllocatorOptions { TotalPages = 4096, DmaEndPfn = 0, Dma32EndPfn = 1000, MinFreePages = 0 });

        var normal = Enumerable.Range(0, 30).Select(_ => allocator.AllocPage(Gfp.Kernel)!.Pfn).ToList();
        var dma32 = allocator.AllocPage(Gfp.Kernel | Gfp.Dma32)!.Pfn;

        Assert.Equal(Enumerable.Range(1000, 30).Select(p => (ulong)p), normal);
        // ZONE_DMA32 [0, 1000) ends with an order-3 block at 992: the smallest block that fits goes first.
        Assert.Equal(992UL, dma32);
    }

    [Fact]
    public void PfnToPage_returns_one_object_per_frame_and_PfnValid_knows_the_bounds()
    {
        var allocator = Models.Normal(1024);
        var page = allocator.AllocPage(Gfp.Kernel)!;

        Assert.Same(page, allocator.PfnToPage(page.Pfn));
        Assert.True(allocator.PfnValid(1023));
        Assert.False(allocator.PfnValid(1024));
        Assert.Equal(page, allocator.VirtToPage(allocator.PageAddress(page)));
    }

    [Fact]
    public void Zero_clears_memory_a_previous_user_wrote()
    {
        var allocator = Models.Normal(1024);
        var page = allocator.AllocPage(Gfp.Kernel)!;
        page.Memory.Fill(0xAB);
        allocator.FreePage(page);

        var again = allocator.AllocPage(Gfp.Kernel | Gfp.Zero)!;

        Assert.Same(page, again);
        Assert.True(again.Memory.ToArray().All(b => b == 0));
    }
}
