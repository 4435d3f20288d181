namespace GfpAnalyzers.Runtime.Tests;

/// <summary>One tag per call site, however the site's strings reach the allocator (the tag lookup caches by identity).</summary>
public class CallSiteTagTests
{
    [Fact]
    public void Equal_site_strings_that_are_different_objects_share_one_tag()
    {
        var allocator = Models.Normal(1024);
        var file = "mm/" + string.Concat("sl", "ub.c");
        var sameFile = new string(file.AsSpan());

        allocator.AllocPage(Gfp.Kernel, file, 10, "alloc");
        allocator.AllocPage(Gfp.Kernel, sameFile, 10, "alloc");
        allocator.AllocPage(Gfp.Kernel, file, 10, "alloc");

        var tag = Assert.Single(allocator.Profiling.Tags);
        Assert.Equal(3, tag.Calls);
        Assert.Equal(3L * PageAllocator.PageSize, tag.Bytes);
    }

    [Fact]
    public void Many_sites_in_turn_each_keep_their_own_tag()
    {
        // More sites than the lookup cache has slots, visited round-robin three times: every slot gets replaced.
        var allocator = Models.Normal(4096, minFree: 0);
        const int Sites = 600;
        for (var round = 0; round < 3; round++)
        {
            for (var line = 1; line <= Sites; line++)
            {
                allocator.FreePage(allocator.AllocPage(Gfp.Kernel, "drivers/net.c", line, "rx")!);
            }
        }

        allocator.AllocPage(Gfp.Kernel, "drivers/net.c", 42, "rx");

        // Every free found the tag its allocation charged: only the one live page is accounted, to its own site.
        Assert.Equal(Sites, allocator.Profiling.Tags.Count);
        Assert.Equal(Enumerable.Range(1, Sites), allocator.Profiling.Tags.Select(t => t.Line).Order());
        var live = Assert.Single(allocator.Profiling.Tags, t => t.Calls != 0 || t.Bytes != 0);
        Assert.Equal((42, 1L, (long)PageAllocator.PageSize), (live.Line, live.Calls, live.Bytes));
    }
}
