namespace GfpAnalyzers.Runtime.Tests;

/// <summary>The next pool page is allocated when the head pool is half full and published when the head fills.</summary>
public class PoolPreallocationTests
{
    [Fact]
    public void The_next_pool_page_is_allocated_at_half_full_and_the_pfn_that_fills_the_head_allocates_nothing()
    {
        var (allocator, tracker) = TrackerTestKit.Early<DynamicEarlyPfnTracker>(minFree: 0);
        Record(allocator, DynamicEarlyPfnTracker.PreallocateSlot);
        Assert.False(tracker.HasSparePage);

        Record(allocator, 1);
        Assert.True(tracker.HasSparePage);
        Assert.Equal(1, tracker.PoolPagesUsed);
        Assert.Equal(4096 - (DynamicEarlyPfnTracker.PreallocateSlot + 1) - 2, allocator.FreePageCount);

        Record(allocator, PfnPool.Capacity - DynamicEarlyPfnTracker.PreallocateSlot - 1);
        var freeWhenFull = allocator.FreePageCount;
        var overflow = allocator.AllocPage(Gfp.Kernel)!;

        Assert.Equal(freeWhenFull - 1, allocator.FreePageCount);
        Assert.False(tracker.HasSparePage);
        Assert.Equal(2, tracker.PoolPagesUsed);
        Assert.Equal([1, PfnPool.Capacity], tracker.Pools().Select(p => p.Count));
        Assert.Equal(overflow.Pfn, tracker.Pools()[0][0]);
        Assert.Equal(0, tracker.LostRaces);
    }

    [Fact]
    public void An_unused_spare_page_is_cleared_and_freed_at_page_ext_init()
    {
        var (allocator, tracker) = TrackerTestKit.Early<DynamicEarlyPfnTracker>(minFree: 0);
        var pages = Record(allocator, 300);
        Assert.True(tracker.HasSparePage);

        TrackerTestKit.PageExtInit(tracker);

        Assert.False(tracker.HasSparePage);
        Assert.Equal(4096 - 300, allocator.FreePageCount);
        Assert.Equal(300, tracker.TrackedCount);
        pages.ForEach(allocator.FreePage);
        Assert.Empty(allocator.Log.Messages);
    }

    [Fact]
    public void A_spare_that_cannot_be_had_is_not_reported_and_the_filling_pfn_allocates_the_pool_page()
    {
        var (allocator, tracker) = TrackerTestKit.Early<DynamicEarlyPfnTracker>(1024, minFree: 0);
        Record(allocator, DynamicEarlyPfnTracker.PreallocateSlot);
        var filler = Models.Drain(allocator, Gfp.Atomic | Gfp.MemAlloc | Gfp.NoCodetag);
        allocator.FreePage(filler[^1]);

        Record(allocator, 1); // takes the last free page: none is left for the spare
        Assert.False(tracker.HasSparePage);
        filler[..300].ForEach(allocator.FreePage);
        Record(allocator, PfnPool.Capacity - DynamicEarlyPfnTracker.PreallocateSlot);

        Assert.Equal(2, tracker.PoolPagesUsed);
        Assert.Equal(0, tracker.DroppedCount);
        Assert.Equal(PfnPool.Capacity + 1, tracker.TrackedCount);
        Assert.Equal([], allocator.Log.Messages);
    }

    [Fact]
    public async Task Writers_that_fill_pools_together_through_the_spare_lose_and_duplicate_no_pfn()
    {
        // Two writers on the same tracker, as the two-thread benchmark runs them: one of them claims each pool's middle
        // slot and allocates the spare, either may publish it, the other may lose a publishing race.
        var (allocator, tracker) = TrackerTestKit.Early<DynamicEarlyPfnTracker>(16384, minFree: 0);
        var hook = tracker.RecordingHook;
        const int PerWriter = 4 * PfnPool.Capacity;
        using var start = new Barrier(2);
        await Task.WhenAll(Enumerable.Range(0, 2).Select(w => TestTimeouts.Thread(() =>
        {
            start.SignalAndWait(TestTimeouts.Long);
            for (var i = 0; i < PerWriter; i++)
            {
                hook((ulong)((w * PerWriter) + i), Gfp.Kernel);
            }
        }))).Within();

        Assert.Equal(Enumerable.Range(0, 2 * PerWriter).Select(p => (ulong)p), tracker.TrackedPfns().Order());
        Assert.Equal(8, tracker.PoolPagesUsed);
        Assert.All(tracker.Pools(), p => Assert.Equal(PfnPool.Capacity, p.Count));
        TrackerTestKit.PageExtInit(tracker);
        Assert.Equal(16384, allocator.FreePageCount);
        Assert.Empty(allocator.Log.Messages);
    }

    private static List<Page> Record(PageAllocator allocator, int count)
        => Enumerable.Range(0, count).Select(_ => allocator.AllocPage(Gfp.Kernel)!).ToList();
}
