namespace GfpAnalyzers.Runtime.Tests;

/// <summary>Every way of taking a spin lock raises the context exactly as include/linux/spinlock_api_smp.h does.</summary>
public class SpinLockAccountingTests
{
    [Theory]
    [MemberData(nameof(SpinLockKind.Kinds), MemberType = typeof(SpinLockKind))]
    public void Lock_is_one_preemption_level(string kind)
    {
        var l = SpinLockKind.Create(kind);
        l.Lock();
        Assert.Equal(AtomicState.Preempt, AtomicState.Now);
        Assert.True(l.IsLocked());
        l.Unlock();
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
        Assert.False(l.IsLocked());
        Assert.Empty(l.Log.Messages);
    }

    [Theory]
    [MemberData(nameof(SpinLockKind.Kinds), MemberType = typeof(SpinLockKind))]
    public void Lock_irq_also_disables_interrupts(string kind)
    {
        var l = SpinLockKind.Create(kind);
        l.LockIrq();
        Assert.Equal(AtomicState.PreemptIrqsOff, AtomicState.Now);
        l.UnlockIrq();
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Theory]
    [MemberData(nameof(SpinLockKind.Kinds), MemberType = typeof(SpinLockKind))]
    public void Lock_irqsave_saves_disables_and_restores(string kind)
    {
        var l = SpinLockKind.Create(kind);
        var flags = l.LockIrqSave();
        Assert.False(flags.IrqsDisabled);
        Assert.Equal(AtomicState.PreemptIrqsOff, AtomicState.Now);
        l.UnlockIrqRestore(flags);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
        Assert.Empty(l.Log.Messages);
    }

    [Theory]
    [MemberData(nameof(SpinLockKind.Kinds), MemberType = typeof(SpinLockKind))]
    public void Lock_irqsave_with_interrupts_already_off_leaves_them_off(string kind)
    {
        var l = SpinLockKind.Create(kind);
        using (LocalIrq.Guard())
        {
            var flags = l.LockIrqSave();
            Assert.True(flags.IrqsDisabled);
            l.UnlockIrqRestore(flags);
            Assert.Equal(new AtomicState(0, false, true, false), AtomicState.Now);
        }
    }

    [Theory]
    [MemberData(nameof(SpinLockKind.Kinds), MemberType = typeof(SpinLockKind))]
    public void Lock_bh_adds_SOFTIRQ_LOCK_OFFSET(string kind)
    {
        var l = SpinLockKind.Create(kind);
        l.LockBh();
        Assert.Equal(AtomicState.Bh, AtomicState.Now);
        l.UnlockBh();
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Theory]
    [MemberData(nameof(SpinLockKind.Kinds), MemberType = typeof(SpinLockKind))]
    public void Each_guard_releases_with_the_primitive_it_was_taken_with(string kind)
    {
        var l = SpinLockKind.Create(kind);
        using (l.Lock())
        {
            Assert.Equal(AtomicState.Preempt, AtomicState.Now);
        }

        using (l.LockIrq())
        {
            Assert.Equal(AtomicState.PreemptIrqsOff, AtomicState.Now);
        }

        using (l.LockBh())
        {
            Assert.Equal(AtomicState.Bh, AtomicState.Now);
        }

        using (var guard = l.GuardIrqSave())
        {
            Assert.Equal(AtomicState.PreemptIrqsOff, AtomicState.Now);
            Assert.False(guard.Flags.IrqsDisabled);
        }

        Assert.Equal(AtomicState.Clean, AtomicState.Now);
        Assert.False(l.IsLocked());
        Assert.Empty(l.Log.Messages);
    }

    [Fact]
    public void Different_kinds_nest_and_unwind_to_each_previous_state()
    {
        var bh = new KSpinLock("bh_lock");
        var irq = new KSpinLock("irq_lock");
        var raw = new KRawSpinLock("raw_lock");

        bh.LockBh();
        var flags = irq.LockIrqSave();
        raw.Lock();
        Assert.Equal(new AtomicState(0x203, true, true, true), AtomicState.Now);
        raw.Unlock();
        Assert.Equal(new AtomicState(0x202, true, true, true), AtomicState.Now);
        irq.UnlockIrqRestore(flags);
        Assert.Equal(AtomicState.Bh, AtomicState.Now);
        bh.UnlockBh();
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Theory]
    [MemberData(nameof(SpinLockKind.Kinds), MemberType = typeof(SpinLockKind))]
    public void TryLock_on_a_free_lock_takes_it(string kind)
    {
        var l = SpinLockKind.Create(kind);
        Assert.True(l.TryLock());
        Assert.Equal(AtomicState.Preempt, AtomicState.Now);
        l.Unlock();
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Theory]
    [MemberData(nameof(SpinLockKind.Kinds), MemberType = typeof(SpinLockKind))]
    public void TryLock_on_a_held_lock_fails_and_leaves_the_count_alone(string kind)
    {
        var l = SpinLockKind.Create(kind);
        using (l.Lock())
        {
            Assert.False(l.TryLock());
            Assert.Equal(AtomicState.Preempt, AtomicState.Now);
        }

        Assert.Empty(l.Log.Messages);
    }

    [Fact]
    public void TryLockIrqSave_gives_flags_only_when_it_takes_the_lock()
    {
        var l = new KSpinLock();
        Assert.True(l.TryLockIrqSave(out var flags));
        Assert.Equal(AtomicState.PreemptIrqsOff, AtomicState.Now);

        Assert.False(l.TryLockIrqSave(out var none));
        Assert.Equal(default, none);
        Assert.Equal(AtomicState.PreemptIrqsOff, AtomicState.Now);

        l.UnlockIrqRestore(flags);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void The_runqueue_lock_is_one_preemption_level()
    {
        using (Scheduler.LockRunqueue())
        {
            Assert.Equal(AtomicState.Preempt, AtomicState.Now);
        }

        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }
}
