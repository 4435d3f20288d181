namespace GfpAnalyzers.Runtime.Tests;

/// <summary>Contract 1: the default allocator is post-boot, with profiling and its debug checks on.</summary>
public class TagNotSetTests
{
    [Fact]
    public void Freeing_a_NoCodetag_page_without_clearing_reports_alloc_tag_was_not_set()
    {
        var allocator = new PageAllocator();
        var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag)!;

        allocator.FreePage(page);

        Assert.True(allocator.Log.Contains("alloc_tag was not set"));
        Assert.Equal(1, allocator.Profiling.TagNotSetCount);
    }

    [Fact]
    public void Clearing_the_tag_ref_before_free_keeps_the_log_silent()
    {
        var allocator = new PageAllocator();
        var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag)!;

        allocator.ClearPageTagRef(page);
        allocator.FreePage(page);

        Assert.Empty(allocator.Log.Messages);
    }

    [Fact]
    public void A_normal_allocation_is_tagged_at_its_call_site_and_frees_silently()
    {
        var allocator = new PageAllocator();
        var page = allocator.AllocPages(Gfp.Kernel, 2)!;

        Assert.True(page.TagRef.IsTagged);
        Assert.Equal(nameof(A_normal_allocation_is_tagged_at_its_call_site_and_frees_silently), page.TagRef.Tag!.Function);
        Assert.EndsWith("TagNotSetTests.cs", page.TagRef.Tag.File, StringComparison.Ordinal);
        allocator.FreePages(page, 2);
        Assert.Empty(allocator.Log.Messages);
    }

    [Fact]
    public void The_check_is_warn_once_but_every_hit_is_counted()
    {
        var allocator = new PageAllocator();
        for (var i = 0; i < 3; i++)
        {
            allocator.FreePage(allocator.AllocPage(Gfp.Kernel | Gfp.NoCodetag)!);
        }

        Assert.Equal(1, allocator.Log.Count("alloc_tag was not set"));
        Assert.Equal(3, allocator.Profiling.TagNotSetCount);
        Assert.Equal(3, allocator.Log.OnceHits(AllocProfiling.TagNotSetMessage));
    }

    [Fact]
    public void Without_debug_checks_the_free_is_silent()
    {
        var allocator = new PageAllocator(new AllocatorOptions { Profiling = new ProfilingOptions { DebugChecks = false } });

        allocator.FreePage(allocator.AllocPage(Gfp.Kernel | Gfp.NoCodetag)!);

        Assert.Empty(allocator.Log.Messages);
    }
}
