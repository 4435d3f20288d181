namespace GfpAnalyzers.Runtime.Tests;

/// <summary>Waking kswapd takes scheduler locks; doing it with the runqueue lock held is an inversion.</summary>
public class SchedulerLockTests
{
    private const string Inversion = "WARNING: possible circular locking dependency detected";

    private static PageAllocator BelowLow()
    {
        var allocator = Models.Normal(1024);
        for (var i = 0; i < 1024 - 80; i++)
        {
            allocator.AllocPage(Gfp.NoWarn);
        }

        return allocator;
    }

    [Fact]
    public void Waking_kswapd_with_the_runqueue_lock_held_reports_the_inversion()
    {
        var allocator = BelowLow();

        using (Scheduler.LockRunqueue())
        {
            Assert.NotNull(allocator.AllocPage(Gfp.Atomic));
        }

        var message = Assert.Single(allocator.Log.Messages);
        Assert.StartsWith(Inversion, message, StringComparison.Ordinal);
        Assert.Contains("&rq->__lock", message, StringComparison.Ordinal);
        Assert.Contains("mode:0x820(GFP_ATOMIC)", message, StringComparison.Ordinal);
        Assert.False(Scheduler.RunqueueLockHeld);
    }

    [Fact]
    public void The_same_allocation_without_the_lock_just_wakes_kswapd()
    {
        var allocator = BelowLow();

        allocator.AllocPage(Gfp.Atomic);

        Assert.Empty(allocator.Log.Messages);
        Assert.Equal(1, allocator.Nodes.Single().KswapdWakeups);
    }

    [Fact]
    public void The_v6_mask_never_wakes_kswapd_so_it_is_safe_under_the_lock()
    {
        var allocator = BelowLow();

        using (Scheduler.LockRunqueue())
        {
            allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
        }

        Assert.Empty(allocator.Log.Messages);
        Assert.Equal(0, allocator.Nodes.Single().KswapdWakeups);
    }

    [Fact]
    public void The_inversion_is_reported_once()
    {
        var allocator = BelowLow();
        using (Scheduler.LockRunqueue())
        {
            allocator.AllocPage(Gfp.NoWait);
            allocator.RunKswapd();
            allocator.AllocPage(Gfp.NoWait);
        }

        Assert.Equal(1, allocator.Log.Count(Inversion));
        Assert.Equal(2, allocator.Log.OnceHits("kswapd-wakeup-under-rq-lock"));
    }

    [Fact]
    public void Unlocking_an_unheld_runqueue_lock_throws()
        => Assert.Throws<InvalidOperationException>(Scheduler.UnlockRunqueue);
}
