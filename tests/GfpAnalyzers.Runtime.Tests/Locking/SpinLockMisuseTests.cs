namespace GfpAnalyzers.Runtime.Tests;

/// <summary>CONFIG_DEBUG_SPINLOCK's reports, in its words; every misuse leaves the lock and the context as they were.</summary>
public class SpinLockMisuseTests
{
    private static string Me => $"{CurrentTask.Comm}/{CurrentTask.Pid}";

    [Theory]
    [MemberData(nameof(SpinLockKind.Kinds), MemberType = typeof(SpinLockKind))]
    public void Relocking_on_the_same_thread_reports_recursion_and_throws_instead_of_deadlocking(string kind)
    {
        var l = SpinLockKind.Create(kind);
        l.Lock();

        var line = CallerLine() + 1;
        var error = Assert.Throws<InvalidOperationException>(() => l.LockIrq());

        Assert.Contains($"{l.Prefix}_lock_irq(&test_lock)", error.Message, StringComparison.Ordinal);
        var report = Assert.Single(l.Log.Messages);
        Assert.StartsWith(
            $"BUG: spinlock recursion on CPU#0, {Me}\n lock: test_lock, .magic: dead4ead, .owner: {CurrentTask.Comm}/{CurrentTask.Pid}, .owner_cpu: 0\n"
            + "Call Trace:\n GfpAnalyzers.Runtime.Tests.",
            report,
            StringComparison.Ordinal);
        Assert.EndsWith($" at tests/GfpAnalyzers.Runtime.Tests/Locking/SpinLockMisuseTests.cs:{line}", report, StringComparison.Ordinal);
        Assert.Equal(AtomicState.Preempt, AtomicState.Now);
        l.Unlock();
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Theory]
    [MemberData(nameof(SpinLockKind.Kinds), MemberType = typeof(SpinLockKind))]
    public void Unlocking_an_unlocked_lock_reports_already_unlocked_and_changes_nothing(string kind)
    {
        var l = SpinLockKind.Create(kind);
        using (Preempt.Guard())
        {
            l.Unlock();
            Assert.Equal(AtomicState.Preempt, AtomicState.Now);
        }

        Assert.StartsWith($"BUG: spinlock already unlocked on CPU#0, {Me}\n lock: test_lock, .magic: dead4ead, .owner: <none>/-1, .owner_cpu: -1", Assert.Single(l.Log.Messages), StringComparison.Ordinal);
        Assert.False(l.IsLocked());
    }

    [Fact]
    public void Disposing_a_guard_after_the_explicit_unlock_is_an_already_unlocked_report()
    {
        var l = new KSpinLock("test_lock");
        using (l.Lock())
        {
            l.Unlock();
        }

        Assert.Equal(1, l.Log.Count("BUG: spinlock already unlocked"));
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Theory]
    [MemberData(nameof(SpinLockKind.Kinds), MemberType = typeof(SpinLockKind))]
    public void Unlocking_a_lock_another_thread_holds_reports_wrong_owner_and_leaves_it_held(string kind)
    {
        var l = SpinLockKind.Create(kind);
        using var holder = LockHolderThread.Hold(() => l.Lock(), l.Unlock);

        using (Preempt.Guard())
        {
            l.Unlock();
        }

        Assert.StartsWith($"BUG: spinlock wrong owner on CPU#0, {Me}", Assert.Single(l.Log.Messages), StringComparison.Ordinal);
        Assert.True(l.IsLocked());
        holder.Release();
        Assert.False(l.IsLocked());
        Assert.Single(l.Log.Messages);
    }

    [Theory]
    [MemberData(nameof(SpinLockKind.Kinds), MemberType = typeof(SpinLockKind))]
    public void Releasing_an_irqsave_lock_with_plain_unlock_is_reported_and_the_lock_stays_held(string kind)
    {
        var l = SpinLockKind.Create(kind);
        var flags = l.LockIrqSave();

        l.Unlock();

        var report = Assert.Single(l.Log.Messages);
        Assert.StartsWith($"BUG: spinlock wrong unlock primitive on CPU#0, {Me}", report, StringComparison.Ordinal);
        Assert.Contains(
            $"\nlocked with {l.Prefix}_lock_irqsave(), released with {l.Prefix}_unlock(); use {l.Prefix}_unlock_irqrestore()\n",
            report,
            StringComparison.Ordinal);
        Assert.True(l.IsLocked());
        Assert.Equal(AtomicState.PreemptIrqsOff, AtomicState.Now);

        l.UnlockIrqRestore(flags);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void Releasing_a_bh_lock_with_unlock_irq_is_reported()
    {
        var l = new KSpinLock("test_lock");
        l.LockBh();
        l.UnlockIrq();

        Assert.Contains("locked with spin_lock_bh(), released with spin_unlock_irq(); use spin_unlock_bh()", Assert.Single(l.Log.Messages), StringComparison.Ordinal);
        Assert.Equal(AtomicState.Bh, AtomicState.Now);
        l.UnlockBh();
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void Restoring_default_flags_is_reported_and_keeps_the_lock_and_interrupts_as_they_were()
    {
        var l = new KSpinLock("test_lock");
        var flags = l.LockIrqSave();

        l.UnlockIrqRestore(default);

        Assert.Contains("spin_unlock_irqrestore(&test_lock): the flags were not returned by a save", Assert.Single(l.Log.Messages), StringComparison.Ordinal);
        Assert.True(l.IsLocked);
        Assert.Equal(AtomicState.PreemptIrqsOff, AtomicState.Now);
        l.UnlockIrqRestore(flags);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void Swapping_the_flags_of_two_irqsave_locks_is_reported()
    {
        var a = new KSpinLock("a");
        var b = new KSpinLock("b");
        var fa = a.LockIrqSave();
        var fb = b.LockIrqSave();

        b.UnlockIrqRestore(fa);

        Assert.Contains("the flags are not the ones this lock's irqsave returned", Assert.Single(b.Log.Messages), StringComparison.Ordinal);
        Assert.True(b.IsLocked);
        b.UnlockIrqRestore(fb);
        a.UnlockIrqRestore(fa);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void Releasing_irqsave_locks_out_of_order_is_reported_as_an_out_of_order_restore()
    {
        var a = new KSpinLock("a");
        var b = new KSpinLock("b");
        var fa = a.LockIrqSave();
        var fb = b.LockIrqSave();

        a.UnlockIrqRestore(fa);

        Assert.Contains("local_irq_restore() out of order", Assert.Single(a.Log.Messages), StringComparison.Ordinal);
        Assert.True(a.IsLocked);
        b.UnlockIrqRestore(fb);
        a.UnlockIrqRestore(fa);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void Interrupts_enabled_inside_an_irqsave_section_get_Linuxs_warning_and_the_unlock_still_restores()
    {
        var l = new KSpinLock("test_lock");
        var flags = l.LockIrqSave();
        LocalIrq.Enable();

        l.UnlockIrqRestore(flags);

        Assert.StartsWith(
            $"WARNING: CPU: 0 PID: {CurrentTask.Pid} at kernel/locking/irqflag-debug.c warn_bogus_irq_restore\nraw_local_irq_restore() called with IRQs enabled\nCall Trace:",
            Assert.Single(l.Log.Messages),
            StringComparison.Ordinal);
        Assert.False(l.IsLocked);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void A_preempt_enable_inside_the_section_is_reported_at_unlock_without_underflowing()
    {
        var l = new KSpinLock("test_lock");
        l.Lock();
        Preempt.Enable();

        l.Unlock();

        Assert.Contains("has no preempt_disable() left to undo", Assert.Single(l.Log.Messages), StringComparison.Ordinal);
        Assert.True(l.IsLocked);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
        Preempt.Disable();
        l.Unlock();
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
        Assert.False(l.IsLocked);
    }

    [Theory]
    [MemberData(nameof(SpinLockKind.Kinds), MemberType = typeof(SpinLockKind))]
    public void Spinning_on_a_lock_held_too_long_reports_a_lockup_and_throws_with_the_context_restored(string kind)
    {
        var l = SpinLockKind.Create(kind, spinTimeoutMs: 100);
        using var holder = LockHolderThread.Hold(() => l.Lock(), l.Unlock);

        Assert.Throws<TimeoutException>(() => l.LockIrqSave());

        Assert.StartsWith($"BUG: spinlock lockup suspected on CPU#0, {Me}", Assert.Single(l.Log.Messages), StringComparison.Ordinal);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
        holder.Release();
        using (l.Lock())
        {
            Assert.True(l.IsLocked());
        }
    }

    [Fact]
    public void Spin_timeout_must_be_positive()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new KSpinLock { SpinTimeout = TimeSpan.Zero });

    [Fact]
    public void A_lock_needs_a_name()
        => Assert.Throws<ArgumentException>(() => new KRawSpinLock(" "));

    private static int CallerLine([System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => line;
}
