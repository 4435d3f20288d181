namespace GfpAnalyzers.Runtime.Tests;

public class BootTests
{
    // kmem_cache_init: 13 slabs per node; per CPU: the first per-CPU chunk, the idle stack and 5 kthread stacks.
    private static long ExpectedEarly(int cpus, int nodes) => (13 * nodes) + (7L * cpus);

    [Theory]
    [InlineData(EarlyPfnTrackerDesign.FixedArray)]
    [InlineData(EarlyPfnTrackerDesign.PfnPoolList)]
    public void A_small_machine_tracks_every_early_allocation_with_either_design(EarlyPfnTrackerDesign design)
    {
        var summary = BootSummary.Collect(new BootOptions { Cpus = 8, Tracker = design });

        Assert.Equal(ExpectedEarly(8, 2), summary.EarlyAllocations);
        Assert.Equal(summary.EarlyAllocations, summary.Tracked);
        Assert.Equal(summary.EarlyAllocations, summary.ClearedTagRefs);
        Assert.Equal(0, summary.Dropped);
        Assert.Empty(summary.BootWarnings);
        Assert.Equal(0, summary.FailedAllocations);
        Assert.Equal(0, summary.TagNotSetAfterBoot);
    }

    [Fact]
    public void Early_allocations_grow_with_the_cpu_count()
    {
        var small = new KernelBoot(new BootOptions { Cpus = 4, Nodes = 1 });
        var large = new KernelBoot(new BootOptions { Cpus = 64, Nodes = 1 });
        small.StartKernel();
        large.StartKernel();

        Assert.Equal(ExpectedEarly(4, 1), small.EarlyAllocations.Count);
        Assert.Equal(ExpectedEarly(64, 1), large.EarlyAllocations.Count);
    }

    [Fact]
    public void At_2048_cpus_the_fixed_array_overflows_and_its_dropped_pages_warn_after_boot()
    {
        var summary = BootSummary.Collect(new BootOptions { Cpus = 2048, Tracker = EarlyPfnTrackerDesign.FixedArray });

        Assert.Equal(FixedEarlyPfnTracker.Capacity, summary.Tracked);
        Assert.Equal(ExpectedEarly(2048, 2) - FixedEarlyPfnTracker.Capacity, summary.Dropped);
        Assert.Contains(summary.BootWarnings, w => w.Contains("EARLY_ALLOC_PFN_MAX", StringComparison.Ordinal));
        Assert.Equal(summary.Dropped, summary.TagNotSetAfterBoot);
    }

    [Fact]
    public void At_2048_cpus_the_pool_list_tracks_everything_and_nothing_warns()
    {
        var summary = BootSummary.Collect(new BootOptions { Cpus = 2048, Tracker = EarlyPfnTrackerDesign.PfnPoolList });

        Assert.Equal(ExpectedEarly(2048, 2), summary.Tracked);
        Assert.Equal((summary.Tracked + PfnPool.Capacity - 1) / PfnPool.Capacity, summary.PoolPagesUsed);
        Assert.Empty(summary.BootWarnings);
        Assert.Equal(0, summary.TagNotSetAfterBoot);
    }

    [Fact]
    public void Sequential_and_parallel_bring_up_agree()
    {
        var parallel = BootSummary.Collect(new BootOptions { Cpus = 600, ParallelBringup = true });
        var sequential = BootSummary.Collect(new BootOptions { Cpus = 600, ParallelBringup = false });

        Assert.Equal(
            (sequential.Tracked, sequential.PoolPagesUsed, sequential.TagNotSetAfterBoot),
            (parallel.Tracked, parallel.PoolPagesUsed, parallel.TagNotSetAfterBoot));
        Assert.Equal(sequential.TopAllocInfo, parallel.TopAllocInfo);
    }

    [Fact]
    public void After_boot_allocations_are_tagged_and_allocinfo_shows_the_per_cpu_stacks()
    {
        var kernel = new KernelBoot(new BootOptions { Cpus = 16 });
        kernel.StartKernel();

        Assert.True(kernel.Allocator.Profiling.PageExtReady);
        Assert.True(kernel.Allocator.AllocPage(Gfp.Kernel)!.TagRef.IsTagged);
        Assert.Contains("      262144       16 kernel/fork.c:311 func:alloc_thread_stack_node", kernel.Allocator.Profiling.TopAllocInfo(10));
        Assert.Same(kernel.Log, kernel.Allocator.Log);
    }

    [Fact]
    public void A_kernel_boots_once()
    {
        var kernel = new KernelBoot(new BootOptions { Cpus = 1 });
        kernel.StartKernel();

        Assert.Throws<InvalidOperationException>(kernel.StartKernel);
    }

    [Fact]
    public void Bad_boot_options_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KernelBoot(new BootOptions { Cpus = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KernelBoot(new BootOptions { Cpus = BootOptions.MaxCpus + 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KernelBoot(new BootOptions { MemoryMiB = 16 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KernelBoot(new BootOptions { Nodes = 0 }));
    }
}
