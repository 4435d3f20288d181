namespace GfpAnalyzers.Runtime.Tests;

public class CompressedModeTests
{
    private static PageAllocator Compressed(int bits = 10) => new(new AllocatorOptions
    {
        TotalPages = 1024,
        Profiling = new ProfilingOptions { Compressed = true, CompressedIndexBits = bits, PageExtInitialized = false },
    });

    [Fact]
    public void References_live_in_page_flags_so_early_allocations_are_tagged_and_the_hook_never_runs()
    {
        var allocator = Compressed();
        var hooked = 0;
        allocator.SetEarlyAllocHook((_, _) => hooked++);

        var page = allocator.AllocPage(Gfp.Kernel)!;

        Assert.True(page.TagRef.IsTagged);
        Assert.Equal(0, hooked);
        Assert.False(allocator.Profiling.PageExtReady);
    }

    [Fact]
    public void NoCodetag_and_clear_behave_as_with_page_ext()
    {
        var allocator = Compressed();
        var cleared = allocator.AllocPage(Gfp.Kernel | Gfp.NoCodetag)!;
        allocator.ClearPageTagRef(cleared);
        Assert.True(cleared.TagRef.IsEmpty);
        allocator.FreePage(cleared);
        Assert.Empty(allocator.Log.Messages);

        allocator.FreePage(allocator.AllocPage(Gfp.Kernel | Gfp.NoCodetag)!);
        Assert.True(allocator.Log.Contains("alloc_tag was not set"));
    }

    [Fact]
    public void Tags_whose_index_does_not_fit_are_not_accounted_and_their_pages_free_silently()
    {
        var allocator = Compressed(bits: 2); // indices 2 and 3: two tags fit
        var first = allocator.AllocPage(Gfp.Kernel, "a.c", 1, "a")!;
        var second = allocator.AllocPage(Gfp.Kernel, "b.c", 2, "b")!;
        var third = allocator.AllocPage(Gfp.Kernel, "c.c", 3, "c")!;

        Assert.Equal("a", first.TagRef.Tag!.Function);
        Assert.Equal("b", second.TagRef.Tag!.Function);
        Assert.True(third.TagRef.IsEmpty);
        Assert.True(allocator.Log.Contains("page-flag bits cannot hold the index of tag c.c:3 func:c"));
        allocator.FreePage(third);
        Assert.False(allocator.Log.Contains("alloc_tag was not set"));
    }
}
