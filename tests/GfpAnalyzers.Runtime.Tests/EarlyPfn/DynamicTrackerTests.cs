using System.Buffers.Binary;
using System.Reflection;

namespace GfpAnalyzers.Runtime.Tests;

public class DynamicTrackerTests
{
    [Fact]
    public void Every_early_allocation_is_recorded_and_pools_grow_one_page_at_a_time()
    {
        var (allocator, tracker) = TrackerTestKit.Early<DynamicEarlyPfnTracker>();
        var pages = Enumerable.Range(0, 1200).Select(_ => allocator.AllocPage(Gfp.Kernel)!).ToList();

        Assert.Equal(pages.Select(p => p.Pfn).Order(), tracker.TrackedPfns().Order());
        Assert.Equal(3, tracker.PoolPagesUsed);
        Assert.Equal([1200 - (2 * PfnPool.Capacity), PfnPool.Capacity, PfnPool.Capacity], tracker.Pools().Select(p => p.Count));
    }

    [Fact]
    public void A_pool_is_a_real_byte_layout_next_count_pfns()
    {
        var (allocator, tracker) = TrackerTestKit.Early<DynamicEarlyPfnTracker>();
        var pages = Enumerable.Range(0, PfnPool.Capacity + 1).Select(_ => allocator.AllocPage(Gfp.Kernel)!).ToList();
        var pools = tracker.Pools();
        var head = pools[0].Page.Memory;
        var older = pools[1].Page.Memory;

        Assert.Equal(510, PfnPool.Capacity);
        Assert.Equal(allocator.PageAddress(pools[1].Page), BinaryPrimitives.ReadUInt64LittleEndian(head[..8]));
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(head[8..12]));
        Assert.Equal(pages[^1].Pfn, BinaryPrimitives.ReadUInt64LittleEndian(head[16..24]));
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(older[..8]));
        Assert.Equal(pages[0].Pfn, BinaryPrimitives.ReadUInt64LittleEndian(older[16..24]));
        Assert.Equal(pages[509].Pfn, BinaryPrimitives.ReadUInt64LittleEndian(older[(16 + (509 * 8))..]));
    }

    [Fact]
    public void Pool_pages_are_NoCodetag_allocations_and_are_not_recorded_themselves()
    {
        var (allocator, tracker) = TrackerTestKit.Early<DynamicEarlyPfnTracker>();
        allocator.AllocPage(Gfp.Kernel);
        allocator.AllocPage(Gfp.Kernel | Gfp.NoCodetag);

        Assert.Equal(1, tracker.TrackedCount);
        Assert.DoesNotContain(tracker.Pools()[0].Page.Pfn, tracker.TrackedPfns());
    }

    [Fact]
    public void Page_ext_init_clears_tracked_tags_and_frees_pool_pages_silently()
    {
        var (allocator, tracker) = TrackerTestKit.Early<DynamicEarlyPfnTracker>();
        var pages = Enumerable.Range(0, 600).Select(_ => allocator.AllocPage(Gfp.Kernel)!).ToList();

        TrackerTestKit.PageExtInit(tracker);

        Assert.All(pages, p => Assert.True(p.TagRef.IsEmpty));
        Assert.Equal(4096 - 600, allocator.FreePageCount);
        Assert.Empty(tracker.Pools());
        Assert.Equal(600, tracker.TrackedCount);
        Assert.Equal(600, tracker.ClearedTagRefs);
        pages.ForEach(allocator.FreePage);
        Assert.Empty(allocator.Log.Messages);
    }

    [Fact]
    public void A_page_freed_and_retagged_before_the_walk_keeps_its_tag()
    {
        var (allocator, tracker) = TrackerTestKit.Early<DynamicEarlyPfnTracker>();
        var early = allocator.AllocPage(Gfp.Kernel)!;
        allocator.FreePage(early);
        allocator.Profiling.InitPageExt();

        var again = allocator.AllocPage(Gfp.Kernel)!;
        tracker.Stop();

        Assert.Equal(early.Pfn, again.Pfn);
        Assert.True(again.TagRef.IsTagged);
        allocator.FreePage(again);
        Assert.Empty(allocator.Log.Messages);
    }

    [Fact]
    public void The_hook_runs_inside_an_RCU_read_side_section()
    {
        var allocator = Models.Normal(1024, pageExt: false);
        var depth = -1;
        allocator.SetEarlyAllocHook((_, _) => depth = Rcu.NestingDepth);

        allocator.AllocPage(Gfp.Kernel);

        Assert.Equal(1, depth);
        Assert.Equal(0, Rcu.NestingDepth);
    }

    [Fact]
    public void When_no_pool_page_can_be_had_the_pfn_is_dropped_with_a_warning()
    {
        var (allocator, tracker) = TrackerTestKit.Early<DynamicEarlyPfnTracker>(1024);
        var filler = Models.Drain(allocator, Gfp.Atomic | Gfp.MemAlloc | Gfp.NoCodetag);
        allocator.FreePage(filler[^1]);

        Assert.NotNull(allocator.AllocPage(Gfp.Atomic | Gfp.MemAlloc));

        Assert.Equal(1, tracker.DroppedCount);
        Assert.True(allocator.Log.Contains("failed to allocate a pfn_pool page"));
    }

    [Fact]
    public void Start_and_stop_are_checked()
    {
        var (allocator, tracker) = TrackerTestKit.Early<DynamicEarlyPfnTracker>();

        Assert.Throws<InvalidOperationException>(tracker.Start);
        Assert.Throws<InvalidOperationException>(tracker.Stop); // page_ext not yet initialised
        TrackerTestKit.PageExtInit(tracker);
        Assert.Throws<InvalidOperationException>(tracker.Stop);
        Assert.Equal(4096, allocator.FreePageCount);
    }

    [Fact]
    public void The_tracker_carries_the_annotations_the_analyzers_rely_on()
    {
        var flags = BindingFlags.Instance | BindingFlags.NonPublic;
        var head = typeof(DynamicEarlyPfnTracker).GetField("_head", flags)!;
        var spare = typeof(DynamicEarlyPfnTracker).GetField("_spare", flags)!;
        var spareAllocator = typeof(DynamicEarlyPfnTracker).GetMethod("AllocateSpare", flags)!;
        var dynamicHook = typeof(DynamicEarlyPfnTracker).GetMethod("RecordEarlyPfn", flags)!;
        var fixedHook = typeof(FixedEarlyPfnTracker).GetMethod("RecordEarlyPfn", flags)!;

        Assert.NotNull(head.GetCustomAttribute<NoCodetagPagesAttribute>());
        Assert.NotNull(spare.GetCustomAttribute<NoCodetagPagesAttribute>());
        Assert.NotNull(spareAllocator.GetCustomAttribute<AllocationHookAttribute>());
        Assert.NotNull(dynamicHook.GetCustomAttribute<AllocationHookAttribute>());
        Assert.NotNull(fixedHook.GetCustomAttribute<AllocationHookAttribute>());
    }
}
