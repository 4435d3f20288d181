namespace GfpAnalyzers.Runtime.Tests;

/// <summary>Handlers run with the context Linux gives them: hardirq bits and interrupts off, or the softirq-serving bit.</summary>
public class InterruptsTests
{
    [Fact]
    public void A_hardirq_handler_runs_in_hardirq_with_interrupts_off_and_the_state_comes_back()
    {
        var log = new KernelLog();
        var inside = default(AtomicState);
        var inHardirq = false;

        Interrupts.RunHardirq(() => (inside, inHardirq) = (AtomicState.Now, PreemptCount.InHardirq), log);

        Assert.Equal(new AtomicState(0x10000, true, true, false), inside);
        Assert.True(inHardirq);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
        Assert.Empty(log.Messages);
    }

    [Fact]
    public void A_softirq_handler_serves_a_softirq_with_interrupts_on()
    {
        var log = new KernelLog();
        var inside = default(AtomicState);
        var serving = false;

        Interrupts.RunSoftirq(() => (inside, serving) = (AtomicState.Now, PreemptCount.InServingSoftirq), log);

        Assert.Equal(new AtomicState(0x100, true, false, true), inside);
        Assert.True(serving);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void A_sleeping_allocation_in_a_timer_handler_is_reported()
    {
        var allocator = new PageAllocator();
        Interrupts.RunSoftirq(() => allocator.AllocPage(Gfp.Kernel), allocator.Log);

        Assert.Contains("in_atomic(): 1, irqs_disabled(): 0", Assert.Single(allocator.Log.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public void A_handler_that_returns_with_a_lock_held_is_reported_and_the_count_is_put_back()
    {
        var log = new KernelLog();
        var l = new KSpinLock("leaked", log);

        Interrupts.RunHardirq(() => l.Lock(), log);

        var report = Assert.Single(log.Messages);
        Assert.StartsWith("huh, entered hardirq handler", report, StringComparison.Ordinal);
        Assert.Contains("with preempt_count 00010000, exited with 00010001?", report, StringComparison.Ordinal);
        Assert.Contains(" #0: (leaked), at: spin_lock", report, StringComparison.Ordinal);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);

        // The lock itself stays held by this thread; release it so later tests on this thread start clean.
        Preempt.Disable();
        l.Unlock();
        Assert.False(l.IsLocked);
        Assert.Single(log.Messages);
    }

    [Fact]
    public void The_state_comes_back_when_the_handler_throws()
    {
        var log = new KernelLog();
        using (Preempt.Guard())
        {
            Assert.Throws<FormatException>(() => Interrupts.RunHardirq(() => throw new FormatException(), log));
            Assert.Equal(AtomicState.Preempt, AtomicState.Now);
        }

        Assert.Empty(log.Messages);
    }

    [Fact]
    public void Softirqs_do_not_nest()
    {
        var log = new KernelLog();
        Interrupts.RunSoftirq(() => Assert.Throws<InvalidOperationException>(() => Interrupts.RunSoftirq(() => { }, log)), log);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }
}
