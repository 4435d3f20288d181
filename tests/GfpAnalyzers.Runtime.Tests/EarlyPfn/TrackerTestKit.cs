namespace GfpAnalyzers.Runtime.Tests;

/// <summary>An allocator in early boot (no page_ext) with a started tracker.</summary>
internal static class TrackerTestKit
{
    public static (PageAllocator Allocator, T Tracker) Early<T>(long pages = 4096, long minFree = 16) where T : EarlyPfnTracker
    {
        var allocator = Models.Normal(pages, minFree: minFree, pageExt: false);
        var tracker = (T)EarlyPfnTracker.Create(
            typeof(T) == typeof(FixedEarlyPfnTracker) ? EarlyPfnTrackerDesign.FixedArray : EarlyPfnTrackerDesign.PfnPoolList,
            allocator);
        tracker.Start();
        return (allocator, tracker);
    }

    /// <summary>page_ext_init(): page_ext first, then the tracker retires.</summary>
    public static void PageExtInit(EarlyPfnTracker tracker)
    {
        tracker.Allocator.Profiling.InitPageExt();
        tracker.Stop();
    }
}
