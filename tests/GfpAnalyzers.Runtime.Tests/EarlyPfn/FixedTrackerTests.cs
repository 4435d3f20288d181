namespace GfpAnalyzers.Runtime.Tests;

public class FixedTrackerTests
{
    [Fact]
    public void Records_until_full_then_warns_once_and_drops()
    {
        var (allocator, tracker) = TrackerTestKit.Early<FixedEarlyPfnTracker>(16384);
        var pages = Enumerable.Range(0, FixedEarlyPfnTracker.Capacity + 10).Select(_ => allocator.AllocPage(Gfp.Kernel)!).ToList();

        Assert.Equal(FixedEarlyPfnTracker.Capacity, tracker.TrackedCount);
        Assert.Equal(10, tracker.DroppedCount);
        Assert.Equal(0, tracker.PoolPagesUsed);
        Assert.Equal(1, allocator.Log.Count("exceeded EARLY_ALLOC_PFN_MAX (8192)"));
        Assert.Equal(pages.Take(FixedEarlyPfnTracker.Capacity).Select(p => p.Pfn).Order(), tracker.TrackedPfns().Order());
    }

    [Fact]
    public void Dropped_pages_warn_when_freed_after_boot_and_tracked_ones_do_not()
    {
        var (allocator, tracker) = TrackerTestKit.Early<FixedEarlyPfnTracker>(16384);
        var pages = Enumerable.Range(0, FixedEarlyPfnTracker.Capacity + 10).Select(_ => allocator.AllocPage(Gfp.Kernel)!).ToList();

        TrackerTestKit.PageExtInit(tracker);
        pages.Take(FixedEarlyPfnTracker.Capacity).ToList().ForEach(allocator.FreePage);
        Assert.Equal(0, allocator.Profiling.TagNotSetCount);
        pages.Skip(FixedEarlyPfnTracker.Capacity).ToList().ForEach(allocator.FreePage);

        Assert.Equal(10, allocator.Profiling.TagNotSetCount);
        Assert.True(allocator.Log.Contains("alloc_tag was not set"));
    }

    [Fact]
    public void NoCodetag_allocations_are_not_recorded()
    {
        var (allocator, tracker) = TrackerTestKit.Early<FixedEarlyPfnTracker>();
        allocator.AllocPage(Gfp.High | Gfp.NoCodetag);

        Assert.Equal(0, tracker.TrackedCount);
    }
}
