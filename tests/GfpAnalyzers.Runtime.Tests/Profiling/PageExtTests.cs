namespace GfpAnalyzers.Runtime.Tests;

public class PageExtTests
{
    [Fact]
    public void Before_page_ext_init_pages_have_no_reference_and_frees_are_not_checked()
    {
        var allocator = Models.Normal(1024, pageExt: false);
        var page = allocator.AllocPage(Gfp.Kernel)!;

        Assert.Equal(CodetagRefState.Unavailable, page.TagRef.State);
        allocator.FreePage(page);
        Assert.Empty(allocator.Log.Messages);
        Assert.Empty(allocator.Profiling.TopAllocInfo(5));
    }

    [Fact]
    public void An_early_page_freed_after_page_ext_init_warns_unless_cleared()
    {
        var allocator = Models.Normal(1024, pageExt: false);
        var early = allocator.AllocPage(Gfp.Kernel)!;
        var cleared = allocator.AllocPage(Gfp.Kernel)!;

        allocator.Profiling.InitPageExt();
        Assert.True(early.TagRef.IsNotSet);
        allocator.ClearPageTagRef(cleared);
        allocator.FreePage(cleared);
        Assert.Empty(allocator.Log.Messages);
        allocator.FreePage(early);

        Assert.True(allocator.Log.Contains("alloc_tag was not set"));
    }

    [Fact]
    public void Page_ext_init_runs_once()
    {
        var allocator = Models.Normal(1024, pageExt: false);
        allocator.Profiling.InitPageExt();

        Assert.Throws<InvalidOperationException>(allocator.Profiling.InitPageExt);
        Assert.True(allocator.Profiling.PageExtReady);
    }

    [Fact]
    public void Clearing_a_tagged_page_makes_it_empty_without_uncharging_its_tag_as_in_Linux()
    {
        var allocator = new PageAllocator();
        var page = allocator.AllocPage(Gfp.Kernel)!;
        var tag = page.TagRef.Tag!;

        allocator.ClearPageTagRef(page);
        allocator.FreePage(page);

        Assert.Equal(4096, tag.Bytes);
        Assert.Empty(allocator.Log.Messages);
    }

    [Fact]
    public void ClearPageTagRefIfNotSet_keeps_a_tag()
    {
        var allocator = new PageAllocator();
        var tagged = allocator.AllocPage(Gfp.Kernel)!;
        var untagged = allocator.AllocPage(Gfp.Kernel | Gfp.NoCodetag)!;

        Assert.False(allocator.ClearPageTagRefIfNotSet(tagged));
        Assert.True(allocator.ClearPageTagRefIfNotSet(untagged));

        Assert.True(tagged.TagRef.IsTagged);
        Assert.True(untagged.TagRef.IsEmpty);
    }

    [Fact]
    public void With_profiling_disabled_nothing_is_tagged_or_checked()
    {
        var allocator = new PageAllocator(new AllocatorOptions { Profiling = new ProfilingOptions { Enabled = false } });
        var page = allocator.AllocPage(Gfp.Kernel | Gfp.NoCodetag)!;

        allocator.FreePage(page);

        Assert.Empty(allocator.Log.Messages);
        Assert.Empty(allocator.Profiling.Tags);
    }
}
