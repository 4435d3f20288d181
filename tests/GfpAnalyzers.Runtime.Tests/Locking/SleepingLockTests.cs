namespace GfpAnalyzers.Runtime.Tests;

/// <summary>KMutex and KSemaphore: they really block other threads (bounded), and may not be taken in atomic context.</summary>
public class SleepingLockTests
{
    private const string SleepingBug = "BUG: sleeping function called from invalid context";

    private static string Me => $"{CurrentTask.Comm}/{CurrentTask.Pid}";

    [Fact]
    public void A_mutex_taken_in_process_context_reports_nothing()
    {
        var mutex = new KMutex("test_mutex");
        using (mutex.Lock())
        {
            Assert.True(mutex.IsLocked);
            Assert.Equal(AtomicState.Clean, AtomicState.Now);
        }

        Assert.False(mutex.IsLocked);
        Assert.Empty(mutex.Log.Messages);
    }

    [Fact]
    public void A_mutex_blocks_another_thread_until_it_is_unlocked()
    {
        var mutex = new KMutex("test_mutex");
        using var holder = LockHolderThread.Hold(() => mutex.Lock(), mutex.Unlock);
        var waiter = TestTimeouts.Thread(() =>
        {
            using (mutex.Lock())
            {
            }
        });

        Assert.True(waiter.StillBlockedAfter(200), "mutex_lock returned while another thread held the mutex");
        Assert.False(mutex.TryLock());
        holder.Release();
        waiter.Finishes();
        Assert.True(mutex.TryLock());
        mutex.Unlock();
        Assert.Empty(mutex.Log.Messages);
    }

    [Fact]
    public void Mutex_lock_under_a_spin_lock_is_a_sleeping_bug_at_the_callers_line()
    {
        var spin = new KSpinLock("dev_lock");
        var mutex = new KMutex("test_mutex", spin.Log);
        var flags = spin.LockIrqSave();
        var line = CallerLine() + 1;
        mutex.Lock();
        mutex.Unlock();
        spin.UnlockIrqRestore(flags);

        var report = Assert.Single(mutex.Log.Messages);
        Assert.Equal(
            $"BUG: sleeping function called from invalid context at tests/GfpAnalyzers.Runtime.Tests/Locking/SleepingLockTests.cs:{line} (Mutex_lock_under_a_spin_lock_is_a_sleeping_bug_at_the_callers_line)\n"
            + $"in_atomic(): 1, irqs_disabled(): 1, non_block: 0, pid: {CurrentTask.Pid}, name: {CurrentTask.Comm}\n"
            + "preempt_count: 1, expected: 0\n"
            + "RCU nest depth: 0, expected: 0\n"
            + $"1 lock held by {Me}:\n"
            + " #0: (dev_lock), at: spin_lock_irqsave",
            report);
    }

    [Fact]
    public void Contending_for_a_mutex_in_atomic_context_is_also_scheduling_while_atomic()
    {
        var mutex = new KMutex("test_mutex") { HungTaskTimeout = TimeSpan.FromSeconds(20) };
        using var holder = LockHolderThread.Hold(() => mutex.Lock(), mutex.Unlock);
        var waiter = TestTimeouts.Thread(() =>
        {
            using (LocalBh.Guard())
            {
                using (mutex.Lock())
                {
                }
            }
        });

        Assert.True(waiter.StillBlockedAfter(200));
        holder.Release();
        waiter.Finishes();

        Assert.Equal(2, mutex.Log.Messages.Count);
        Assert.StartsWith(SleepingBug, mutex.Log.Messages[0], StringComparison.Ordinal);
        Assert.Contains("preempt_count: 200, expected: 0", mutex.Log.Messages[0], StringComparison.Ordinal);
        Assert.Matches(@"^BUG: scheduling while atomic: swapper/0/\d+/0x00000200\n", mutex.Log.Messages[1]);
    }

    [Fact]
    public void Waiting_longer_than_the_hung_task_timeout_reports_and_throws_without_taking_the_mutex()
    {
        var mutex = new KMutex("test_mutex") { HungTaskTimeout = TimeSpan.FromMilliseconds(100) };
        using var holder = LockHolderThread.Hold(() => mutex.Lock(), mutex.Unlock);

        Assert.Throws<TimeoutException>(() => mutex.Lock());

        Assert.StartsWith($"INFO: task {CurrentTask.Comm}:{CurrentTask.Pid} blocked for more than 0.1 seconds.", Assert.Single(mutex.Log.Messages), StringComparison.Ordinal);
        holder.Release();
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void Locking_a_mutex_twice_on_one_thread_reports_recursive_locking_and_throws()
    {
        var mutex = new KMutex("test_mutex");
        mutex.Lock();

        Assert.Throws<InvalidOperationException>(() => mutex.Lock());

        Assert.StartsWith("WARNING: possible recursive locking detected", Assert.Single(mutex.Log.Messages), StringComparison.Ordinal);
        Assert.True(mutex.IsLocked);
        mutex.Unlock();
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void Unlocking_an_unlocked_mutex_is_a_bad_unlock_balance()
    {
        var mutex = new KMutex("test_mutex");
        mutex.Unlock();

        Assert.StartsWith(
            $"WARNING: bad unlock balance detected!\n{Me} is trying to release lock (test_mutex) at: mutex_unlock\nbut there are no more locks to release!\n"
            + $"Call Trace:\n GfpAnalyzers.Runtime.Tests.SleepingLockTests.{nameof(Unlocking_an_unlocked_mutex_is_a_bad_unlock_balance)} at tests/GfpAnalyzers.Runtime.Tests/Locking/SleepingLockTests.cs:",
            Assert.Single(mutex.Log.Messages),
            StringComparison.Ordinal);
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void Unlocking_a_mutex_another_thread_holds_is_reported_and_leaves_it_held()
    {
        var mutex = new KMutex("test_mutex");
        using var holder = LockHolderThread.Hold(() => mutex.Lock(), mutex.Unlock);

        mutex.Unlock();

        Assert.Contains("DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)", Assert.Single(mutex.Log.Messages), StringComparison.Ordinal);
        Assert.True(mutex.IsLocked);
        holder.Release();
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void Mutex_trylock_never_sleeps_so_it_is_silent_in_atomic_context()
    {
        var mutex = new KMutex();
        using (Preempt.Guard())
        {
            Assert.True(mutex.TryLock());
            mutex.Unlock();
        }

        Assert.Empty(mutex.Log.Messages);
    }

    [Fact]
    public void A_semaphore_admits_count_holders_and_blocks_the_next_until_up()
    {
        var sem = new KSemaphore(2, "test_sem");
        sem.Down();
        Assert.True(sem.TryDown());
        Assert.Equal(0, sem.Count);
        Assert.False(sem.TryDown());

        var waiter = TestTimeouts.Thread(() => sem.Down());
        Assert.True(waiter.StillBlockedAfter(200), "down() returned at count 0");
        sem.Up();
        waiter.Finishes();
        Assert.Equal(0, sem.Count);
        sem.Up();
        sem.Up();
        sem.Up();
        Assert.Equal(3, sem.Count);
        Assert.Empty(sem.Log.Messages);
    }

    [Fact]
    public void Down_with_interrupts_disabled_is_a_sleeping_bug_without_in_atomic()
    {
        var sem = new KSemaphore(1);
        using (LocalIrq.Guard())
        {
            sem.Down();
        }

        var report = Assert.Single(sem.Log.Messages);
        Assert.StartsWith(SleepingBug, report, StringComparison.Ordinal);
        Assert.Contains($"in_atomic(): 0, irqs_disabled(): 1, non_block: 0, pid: {CurrentTask.Pid}", report, StringComparison.Ordinal);
        Assert.Contains("preempt_count: 0, expected: 0", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Down_timing_out_reports_a_hung_task_and_takes_nothing()
    {
        var sem = new KSemaphore(0) { HungTaskTimeout = TimeSpan.FromMilliseconds(50) };

        Assert.Throws<TimeoutException>(() => sem.Down());

        Assert.StartsWith("INFO: task ", Assert.Single(sem.Log.Messages), StringComparison.Ordinal);
        Assert.Equal(0, sem.Count);
        sem.Up();
        Assert.True(sem.TryDown());
    }

    [Fact]
    public void Bad_arguments_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KSemaphore(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KMutex { HungTaskTimeout = TimeSpan.Zero });
        Assert.Throws<ArgumentException>(() => new KMutex(""));
    }

    private static int CallerLine([System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => line;
}
