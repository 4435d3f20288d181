namespace GfpAnalyzers.Runtime.Tests;

/// <summary>Bad input gets a clear exception and leaves the allocator exactly as it was.</summary>
public class BadInputTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(PageAllocator.MaxPageOrder + 1)]
    public void Order_out_of_range_is_rejected(int order)
    {
        var allocator = Models.Normal(1024);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => allocator.AllocPages(Gfp.Kernel, order));

        Assert.Contains("MAX_PAGE_ORDER", error.Message, StringComparison.Ordinal);
        Assert.Equal(1024, allocator.FreePageCount);
    }

    [Fact]
    public void Double_free_is_rejected_and_state_stays_intact()
    {
        var allocator = Models.Normal(1024);
        var page = allocator.AllocPage(Gfp.Kernel)!;
        var other = allocator.AllocPage(Gfp.Kernel)!;
        allocator.FreePage(page);
        var blocks = allocator.Zones.Single().FreeBlocksPerOrder;

        var error = Assert.Throws<ArgumentException>(() => allocator.FreePage(page));

        Assert.Contains("double free", error.Message, StringComparison.Ordinal);
        Assert.Equal(1023, allocator.FreePageCount);
        Assert.Equal(blocks, allocator.Zones.Single().FreeBlocksPerOrder);
        Assert.True(other.IsAllocated);
        Assert.Empty(allocator.Log.Messages);
    }

    [Fact]
    public void Freeing_with_the_wrong_order_is_rejected_and_the_block_stays_allocated()
    {
        var allocator = Models.Normal(1024);
        var page = allocator.AllocPages(Gfp.Kernel, 2)!;

        var error = Assert.Throws<ArgumentException>(() => allocator.FreePages(page, 0));

        Assert.Contains("allocated with order 2 but is freed with order 0", error.Message, StringComparison.Ordinal);
        Assert.True(page.IsAllocated);
        allocator.FreePages(page, 2);
        Assert.Equal(1024, allocator.FreePageCount);
    }

    [Fact]
    public void Freeing_a_tail_page_is_rejected()
    {
        var allocator = Models.Normal(1024);
        var head = allocator.AllocPages(Gfp.Kernel, 1)!;

        Assert.Throws<ArgumentException>(() => allocator.FreePage(allocator.PfnToPage(head.Pfn + 1)));
        Assert.Equal(1022, allocator.FreePageCount);
    }

    [Fact]
    public void A_foreign_page_is_rejected_by_free_and_clear()
    {
        var mine = Models.Normal(1024);
        var theirs = Models.Normal(1024);
        var page = theirs.AllocPage(Gfp.Kernel)!;

        var error = Assert.Throws<ArgumentException>(() => mine.FreePage(page));
        Assert.Throws<ArgumentException>(() => mine.ClearPageTagRef(page));
        Assert.Throws<ArgumentException>(() => mine.FreePage(new Page()));

        Assert.Contains("does not belong", error.Message, StringComparison.Ordinal);
        Assert.True(page.IsAllocated);
        Assert.True(page.TagRef.IsTagged);
        Assert.Equal(1024, mine.FreePageCount);
    }

    [Fact]
    public void Invalid_pfn_is_rejected()
    {
        var allocator = Models.Normal(1024);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => allocator.PfnToPage(1024));

        Assert.Contains("pfn 0x400 is not valid", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => allocator.VirtToPage(0x1000));
    }

    [Fact]
    public void Contradicting_zone_modifiers_are_rejected_before_anything_is_allocated()
    {
        var allocator = Models.Normal(1024);

        var error = Assert.Throws<ArgumentException>(() => allocator.AllocPage(Gfp.Dma | Gfp.Dma32));

        Assert.Contains("GFP_ZONE_BAD", error.Message, StringComparison.Ordinal);
        Assert.Equal(1024, allocator.FreePageCount);
    }

    [Fact]
    public void Unknown_node_is_rejected()
    {
        var allocator = Models.Normal(1024, nodes: 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => allocator.AllocPagesNode(2, Gfp.Kernel, 0));
    }

    [Fact]
    public void Null_page_is_rejected()
    {
        var allocator = Models.Normal(1024);
        Assert.Throws<ArgumentNullException>(() => allocator.FreePage(null!));
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PageAllocator(new AllocatorOptions { TotalPages = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PageAllocator(new AllocatorOptions { Nodes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PageAllocator(new AllocatorOptions { DmaEndPfn = 100, Dma32EndPfn = 10 }));
    }
}
