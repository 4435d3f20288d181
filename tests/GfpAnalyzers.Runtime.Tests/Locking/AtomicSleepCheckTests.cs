namespace GfpAnalyzers.Runtime.Tests;

/// <summary>
/// Every sleeping operation reads the one preempt_count model and reports in Linux's words
/// (kernel/sched/core.c __might_resched): the allocator, Rcu.Synchronize and Scheduler.MightSleep.
/// </summary>
public class AtomicSleepCheckTests
{
    private const string SleepingBug = "BUG: sleeping function called from invalid context";

    private static string Me => $"{CurrentTask.Comm}/{CurrentTask.Pid}";

    private static string Details(int inAtomic, int irqsDisabled, string preemptCount, int rcuDepth)
        => $"in_atomic(): {inAtomic}, irqs_disabled(): {irqsDisabled}, non_block: 0, pid: {CurrentTask.Pid}, name: {CurrentTask.Comm}\n"
            + $"preempt_count: {preemptCount}, expected: 0\n"
            + $"RCU nest depth: {rcuDepth}, expected: 0\n";

    [Fact]
    public void GFP_KERNEL_under_spin_lock_irqsave_prints_every_detail_line_and_the_lock()
    {
        var allocator = new PageAllocator();
        var l = new KSpinLock("dev->lock");
        var flags = l.LockIrqSave();
        var line = CallerLine() + 1;
        allocator.AllocPage(Gfp.Kernel);
        l.UnlockIrqRestore(flags);

        Assert.Equal(
            $"{SleepingBug} at tests/GfpAnalyzers.Runtime.Tests/Locking/AtomicSleepCheckTests.cs:{line} (GFP_KERNEL_under_spin_lock_irqsave_prints_every_detail_line_and_the_lock)\n"
            + Details(1, 1, "1", 0)
            + $"1 lock held by {Me}:\n #0: (dev->lock), at: spin_lock_irqsave\n"
            + "mode:0xcc0(GFP_KERNEL)",
            Assert.Single(allocator.Log.Messages));
    }

    [Fact]
    public void Under_spin_lock_bh_the_count_is_printed_in_hex_as_Linux_does()
    {
        var allocator = new PageAllocator();
        var l = new KSpinLock("bh_lock");
        using (l.LockBh())
        {
            allocator.AllocPage(Gfp.Kernel);
        }

        Assert.Contains(Details(1, 0, "201", 0), Assert.Single(allocator.Log.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public void With_only_interrupts_disabled_in_atomic_is_0_but_it_is_still_a_bug()
    {
        var allocator = new PageAllocator();
        using (LocalIrq.Guard())
        {
            allocator.AllocPage(Gfp.NoFs);
        }

        var report = Assert.Single(allocator.Log.Messages);
        Assert.Contains(Details(0, 1, "0", 0), report, StringComparison.Ordinal);
        Assert.Contains($"no locks held by {Me}.", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Under_rcu_read_lock_and_preempt_disable_both_are_printed()
    {
        var allocator = new PageAllocator();
        using (allocator.Rcu.ReadLock())
        using (Preempt.Guard())
        {
            allocator.AllocPage(Gfp.Kernel);
        }

        var report = Assert.Single(allocator.Log.Messages);
        Assert.Contains(Details(1, 0, "1", 1), report, StringComparison.Ordinal);
        Assert.Contains($"1 lock held by {Me}:\n #0: (rcu_read_lock), at: rcu_read_lock\n", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Under_the_runqueue_lock_the_lock_is_named()
    {
        var allocator = new PageAllocator();
        using (Scheduler.LockRunqueue())
        {
            allocator.AllocPage(Gfp.Kernel);
        }

        var report = Assert.Single(allocator.Log.Messages);
        Assert.Contains(Details(1, 0, "1", 0), report, StringComparison.Ordinal);
        Assert.Contains(" #0: (&rq->__lock), at: raw_spin_rq_lock", report, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Gfp.Atomic)]
    [InlineData(Gfp.NoWait)]
    public void Non_sleeping_masks_are_fine_under_every_lock_kind(Gfp gfp)
    {
        var allocator = new PageAllocator();
        var spin = new KSpinLock();
        var rw = new KRwLock();
        var flags = spin.LockIrqSave();
        using (rw.WriteLockBh())
        using (Preempt.Guard())
        {
            allocator.AllocPage(gfp);
        }

        spin.UnlockIrqRestore(flags);
        Assert.Empty(allocator.Log.Messages);
    }

    [Fact]
    public void The_same_allocation_after_the_lock_is_dropped_is_silent()
    {
        var allocator = new PageAllocator();
        var l = new KSpinLock();
        l.Lock();
        l.Unlock();
        allocator.AllocPage(Gfp.Kernel);
        l.Lock();
        l.Unlock();

        Assert.Empty(allocator.Log.Messages);
    }

    [Fact]
    public void Synchronize_rcu_under_a_spin_lock_is_a_sleeping_bug()
    {
        var rcu = new Rcu();
        var l = new KRawSpinLock("raw");
        using (l.Lock())
        {
            rcu.Synchronize();
        }

        var report = Assert.Single(rcu.Log.Messages);
        Assert.StartsWith($"{SleepingBug} at kernel/rcu/tree.c (synchronize_rcu)\n" + Details(1, 0, "1", 0), report, StringComparison.Ordinal);
        Assert.Contains(
            $"Call Trace:\n GfpAnalyzers.Runtime.Tests.AtomicSleepCheckTests.{nameof(Synchronize_rcu_under_a_spin_lock_is_a_sleeping_bug)} at tests/GfpAnalyzers.Runtime.Tests/Locking/AtomicSleepCheckTests.cs:",
            report,
            StringComparison.Ordinal);
        Assert.Equal(1, rcu.CompletedGracePeriods);
    }

    [Fact]
    public void Synchronize_rcu_with_bottom_halves_disabled_is_a_sleeping_bug()
    {
        var rcu = new Rcu();
        using (LocalBh.Guard())
        {
            rcu.Synchronize();
        }

        Assert.Contains(Details(1, 0, "200", 0), Assert.Single(rcu.Log.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public void Synchronize_rcu_in_process_context_is_silent()
    {
        var rcu = new Rcu();
        rcu.Synchronize();
        Assert.Empty(rcu.Log.Messages);
    }

    [Fact]
    public void Explicit_might_sleep_reports_only_in_atomic_context()
    {
        var log = new KernelLog();
        Assert.False(Scheduler.MightSleep(log));
        using (LocalIrq.SaveGuard())
        {
            Assert.True(Scheduler.MightSleep(log));
        }

        Assert.StartsWith(
            $"{SleepingBug} at tests/GfpAnalyzers.Runtime.Tests/Locking/AtomicSleepCheckTests.cs:",
            Assert.Single(log.Messages),
            StringComparison.Ordinal);
    }

    private static int CallerLine([System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => line;
}
