namespace GfpAnalyzers.Runtime.Tests;

/// <summary>
/// Lockdep's irq-safety check: a lock an interrupt handler takes must not be taken with that interrupt enabled
/// elsewhere (the handler could arrive while the lock is held and spin on it forever).
/// </summary>
public class InconsistentLockStateTests
{
    private const string Inconsistent = "WARNING: inconsistent lock state";

    [Fact]
    public void Plain_spin_lock_in_process_context_and_in_the_irq_handler_is_inconsistent()
    {
        var l = new KSpinLock("dev->lock");
        using (l.Lock())
        {
        }

        Interrupts.RunHardirq(() => { using (l.Lock()) { } }, l.Log);

        var report = Assert.Single(l.Log.Messages);
        Assert.StartsWith(
            Inconsistent + "\ninconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.\n"
            + $"{CurrentTask.Comm}/{CurrentTask.Pid} takes:\n (dev->lock), at: spin_lock by {CurrentTask.Comm}/{CurrentTask.Pid}\n"
            + $"{{HARDIRQ-ON-W}} state was registered at: spin_lock by {CurrentTask.Comm}/{CurrentTask.Pid}\n",
            report,
            StringComparison.Ordinal);
        Assert.Contains("<Interrupt> (hardirq) lock(dev->lock); *** DEADLOCK ***", report, StringComparison.Ordinal);
    }

    [Fact]
    public void The_other_order_is_reported_too()
    {
        var l = new KSpinLock("dev->lock");
        Interrupts.RunHardirq(() => { using (l.Lock()) { } }, l.Log);
        using (l.Lock())
        {
        }

        Assert.Contains("inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.", Assert.Single(l.Log.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public void Irqsave_in_process_context_and_plain_lock_in_the_handler_is_the_correct_idiom()
    {
        var l = new KSpinLock("dev->lock");
        Interrupts.RunHardirq(() => { using (l.Lock()) { } }, l.Log);
        using (l.GuardIrqSave())
        {
        }

        using (l.LockIrq())
        {
        }

        Assert.Empty(l.Log.Messages);
    }

    [Fact]
    public void A_lock_a_softirq_takes_needs_bottom_halves_off_elsewhere()
    {
        var safe = new KSpinLock("safe");
        var unsafeLock = new KSpinLock("unsafe", safe.Log);
        Interrupts.RunSoftirq(
            () =>
            {
                using (safe.Lock()) { }
                using (unsafeLock.Lock()) { }
            },
            safe.Log);

        using (safe.LockBh()) { }
        using (unsafeLock.Lock()) { }

        var report = Assert.Single(safe.Log.Messages);
        Assert.Contains("inconsistent {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W} usage.", report, StringComparison.Ordinal);
        Assert.Contains(" (unsafe), at: spin_lock", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Rwlock_readers_in_the_handler_and_readers_with_irqs_on_do_not_deadlock_but_a_writer_does()
    {
        var l = new KRwLock("tasklist_lock");
        Interrupts.RunHardirq(() => { using (l.ReadLock()) { } }, l.Log);
        using (l.ReadLock()) { }
        Assert.Empty(l.Log.Messages);

        using (l.WriteLock()) { }
        Assert.Contains("inconsistent {IN-HARDIRQ-R} -> {HARDIRQ-ON-W} usage.", Assert.Single(l.Log.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public void Trylock_in_a_handler_cannot_deadlock_and_is_not_recorded()
    {
        var l = new KSpinLock("dev->lock");
        Interrupts.RunHardirq(
            () =>
            {
                if (l.TryLock())
                {
                    l.Unlock();
                }
            },
            l.Log);
        using (l.Lock()) { }

        Assert.Empty(l.Log.Messages);
    }

    [Fact]
    public void The_interrupt_arriving_while_the_lock_is_held_is_the_deadlock_itself_reported_as_recursion()
    {
        var l = new KSpinLock("dev->lock");
        using (l.Lock())
        {
            Assert.Throws<InvalidOperationException>(() => Interrupts.RunHardirq(() => l.Lock(), l.Log));
            Assert.Equal(AtomicState.Preempt, AtomicState.Now);
        }

        Assert.Contains("BUG: spinlock recursion on CPU#0", Assert.Single(l.Log.Messages), StringComparison.Ordinal);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void It_is_reported_once_per_lock()
    {
        var l = new KSpinLock("dev->lock");
        for (var i = 0; i < 3; i++)
        {
            Interrupts.RunHardirq(() => { using (l.Lock()) { } }, l.Log);
            using (l.Lock()) { }
        }

        Assert.Equal(1, l.Log.Count(Inconsistent));
    }
}
