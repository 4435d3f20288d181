namespace GfpAnalyzers.Runtime.Tests;

/// <summary>The trackers driven from several threads at once.</summary>
public class TrackerConcurrencyTests
{
    private const int Threads = 6;
    private const int PerThread = 1500;

    [Fact]
    public async Task Dynamic_tracker_loses_and_duplicates_no_pfn_under_contention()
    {
        var (allocator, tracker) = TrackerTestKit.Early<DynamicEarlyPfnTracker>(16384);

        var pfns = await AllocateConcurrently(allocator);

        Assert.Equal(pfns.Order(), tracker.TrackedPfns().Order());
        Assert.Equal((Threads * PerThread + PfnPool.Capacity - 1) / PfnPool.Capacity, tracker.PoolPagesUsed);
        Assert.All(tracker.Pools().Skip(1), p => Assert.Equal(PfnPool.Capacity, p.Count));
        TrackerTestKit.PageExtInit(tracker);
        Assert.Equal(16384 - (Threads * PerThread), allocator.FreePageCount);
        Assert.Empty(allocator.Log.Messages);
    }

    [Fact]
    public async Task Fixed_tracker_loses_and_duplicates_no_pfn_under_contention()
    {
        var (allocator, tracker) = TrackerTestKit.Early<FixedEarlyPfnTracker>(16384);

        var pfns = await AllocateConcurrently(allocator, FixedEarlyPfnTracker.Capacity / Threads);

        Assert.Equal(pfns.Order(), tracker.TrackedPfns().Order());
        Assert.Equal(0, tracker.DroppedCount);
    }

    [Fact]
    public async Task Exactly_one_page_wins_a_grow_race_and_the_losers_are_cleared_and_freed()
    {
        var (allocator, tracker) = TrackerTestKit.Early<DynamicEarlyPfnTracker>();
        using var lineUp = new Barrier(Threads);
        var linedUp = 0;
        tracker.BeforePublish = () =>
        {
            // Every thread has its own pool page in hand before any of them publishes.
            if (lineUp.SignalAndWait(TestTimeouts.Long))
            {
                Interlocked.Increment(ref linedUp);
            }
        };
        var pages = new Page?[Threads];

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(i => TestTimeouts.Thread(() => pages[i] = allocator.AllocPage(Gfp.Kernel)))).Within();

        Assert.Equal(Threads, linedUp);
        Assert.Equal(1, tracker.PoolPagesUsed);
        Assert.Equal(Threads - 1, tracker.LostRaces);
        Assert.Equal(pages.Select(p => p!.Pfn).Order(), tracker.TrackedPfns().Order());
        Assert.Equal(4096 - Threads - 1, allocator.FreePageCount);
        Assert.Empty(allocator.Log.Messages);
    }

    [Fact]
    public async Task Stop_waits_for_a_hook_still_running_on_another_thread()
    {
        var (allocator, tracker) = TrackerTestKit.Early<DynamicEarlyPfnTracker>();
        using var inHook = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        tracker.BeforePublish = () =>
        {
            inHook.Set();
            release.Wait(TestTimeouts.Long);
        };
        Page? early = null;
        var allocating = TestTimeouts.Thread(() => early = allocator.AllocPage(Gfp.Kernel));
        Assert.True(inHook.Wait(TestTimeouts.Long));

        allocator.Profiling.InitPageExt();
        var stopping = TestTimeouts.Thread(tracker.Stop);

        Assert.True(await stopping.StillRunningAfter(200), "Stop did not wait for the running hook");
        release.Set();
        await Task.WhenAll(allocating, stopping).Within();
        Assert.True(early!.TagRef.IsEmpty);
        Assert.Equal(1, tracker.TrackedCount);
        Assert.Equal(4096 - 1, allocator.FreePageCount);
    }

    private static async Task<List<ulong>> AllocateConcurrently(PageAllocator allocator, int perThreadCount = PerThread)
    {
        var perThread = new List<ulong>[Threads];
        using var start = new Barrier(Threads);
        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => TestTimeouts.Thread(() =>
        {
            perThread[t] = [];
            start.SignalAndWait(TestTimeouts.Long);
            for (var i = 0; i < perThreadCount; i++)
            {
                perThread[t].Add(allocator.AllocPage(Gfp.Kernel)!.Pfn);
            }
        }))).Within();
        var all = perThread.SelectMany(p => p).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        return all;
    }
}
