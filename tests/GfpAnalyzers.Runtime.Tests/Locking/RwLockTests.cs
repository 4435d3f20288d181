namespace GfpAnalyzers.Runtime.Tests;

/// <summary>rwlock_t: both sides are spin-lock atomic context; readers share, a writer excludes; misuse is reported.</summary>
public class RwLockTests
{
    private static string Me => $"{CurrentTask.Comm}/{CurrentTask.Pid}";

    public static TheoryData<string> Sides => new() { "read", "write" };

    [Theory]
    [MemberData(nameof(Sides))]
    public void Every_form_of_each_side_raises_and_restores_the_context(string side)
    {
        var l = new KRwLock("test_rwlock");
        var read = side == "read";

        using (read ? l.ReadLock() : l.WriteLock())
        {
            Assert.Equal(AtomicState.Preempt, AtomicState.Now);
        }

        using (read ? l.ReadLockIrq() : l.WriteLockIrq())
        {
            Assert.Equal(AtomicState.PreemptIrqsOff, AtomicState.Now);
        }

        using (read ? l.ReadLockBh() : l.WriteLockBh())
        {
            Assert.Equal(AtomicState.Bh, AtomicState.Now);
        }

        var flags = read ? l.ReadLockIrqSave() : l.WriteLockIrqSave();
        Assert.Equal(AtomicState.PreemptIrqsOff, AtomicState.Now);
        if (read)
        {
            l.ReadUnlockIrqRestore(flags);
        }
        else
        {
            l.WriteUnlockIrqRestore(flags);
        }

        Assert.Equal(AtomicState.Clean, AtomicState.Now);
        Assert.Equal(0, l.Readers);
        Assert.False(l.IsWriteLocked);
        Assert.Empty(l.Log.Messages);
    }

    [Fact]
    public void Explicit_unlocks_match_their_locks()
    {
        var l = new KRwLock();
        l.ReadLock();
        l.ReadLockIrq();
        l.ReadLockBh();
        Assert.Equal(3, l.Readers);
        Assert.Equal(new AtomicState(0x203, true, true, true), AtomicState.Now);
        l.ReadUnlockBh();
        l.ReadUnlockIrq();
        l.ReadUnlock();

        l.WriteLockIrq();
        Assert.True(l.IsWriteLocked);
        l.WriteUnlockIrq();
        l.WriteLockBh();
        l.WriteUnlockBh();
        l.WriteLock();
        l.WriteUnlock();

        Assert.Equal(AtomicState.Clean, AtomicState.Now);
        Assert.Empty(l.Log.Messages);
    }

    [Fact]
    public void Readers_on_different_threads_share_the_lock()
    {
        var l = new KRwLock();
        using var other = LockHolderThread.Hold(() => l.ReadLock(), l.ReadUnlock);

        Assert.True(l.TryReadLock());
        Assert.Equal(2, l.Readers);
        l.ReadUnlock();
        Assert.False(l.TryWriteLock());
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
        other.Release();
        Assert.True(l.TryWriteLock());
        l.WriteUnlock();
    }

    [Fact]
    public void A_writer_waits_for_the_readers_and_readers_wait_for_the_writer()
    {
        var l = new KRwLock();
        using var reader = LockHolderThread.Hold(() => l.ReadLock(), l.ReadUnlock);
        var writer = TestTimeouts.Thread(() =>
        {
            using (l.WriteLock())
            {
                Assert.Equal(0, l.Readers);
            }
        });

        Assert.True(writer.StillBlockedAfter(200), "the writer got in while a reader held the lock");
        reader.Release();
        writer.Finishes();

        using (var holder = LockHolderThread.Hold(() => l.WriteLock(), l.WriteUnlock))
        {
            Assert.False(l.TryReadLock());
            Assert.Equal(AtomicState.Clean, AtomicState.Now);
            holder.Release();
        }

        Assert.True(l.TryReadLock());
        l.ReadUnlock();
        Assert.Empty(l.Log.Messages);
    }

    [Fact]
    public void Writing_while_reading_on_the_same_thread_reports_recursion_and_throws()
    {
        var l = new KRwLock("test_rwlock");
        l.ReadLock();

        Assert.Throws<InvalidOperationException>(() => l.WriteLock());

        Assert.StartsWith($"BUG: rwlock recursion on CPU#0, {Me}\n lock: test_rwlock, .magic: deaf1eed", Assert.Single(l.Log.Messages), StringComparison.Ordinal);
        Assert.Equal(AtomicState.Preempt, AtomicState.Now);
        Assert.Equal(1, l.Readers);
        l.ReadUnlock();
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void Read_locks_nest_on_one_thread()
    {
        var l = new KRwLock();
        using (l.ReadLock())
        using (l.ReadLock())
        {
            Assert.Equal(2, l.Readers);
            Assert.Equal(2, PreemptCount.Value);
        }

        Assert.Empty(l.Log.Messages);
    }

    [Fact]
    public void Read_unlock_without_a_read_lock_is_reported_and_changes_nothing()
    {
        var l = new KRwLock("test_rwlock");
        using (Preempt.Guard())
        {
            l.ReadUnlock();
            Assert.Equal(AtomicState.Preempt, AtomicState.Now);
        }

        var report = Assert.Single(l.Log.Messages);
        Assert.StartsWith($"BUG: rwlock already unlocked on CPU#0, {Me}", report, StringComparison.Ordinal);
        Assert.Contains("read_unlock(&test_rwlock): this thread holds no read lock", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_unlock_of_a_read_locked_lock_is_reported()
    {
        var l = new KRwLock("test_rwlock");
        using (l.ReadLock())
        {
            l.WriteUnlock();
            Assert.Equal(1, l.Readers);
        }

        Assert.StartsWith($"BUG: rwlock already unlocked on CPU#0, {Me}", Assert.Single(l.Log.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public void Releasing_a_read_irqsave_with_read_unlock_is_reported_and_the_side_stays_held()
    {
        var l = new KRwLock("test_rwlock");
        var flags = l.ReadLockIrqSave();

        l.ReadUnlock();

        Assert.Contains("locked with read_lock_irqsave(); use read_unlock_irqrestore()", Assert.Single(l.Log.Messages), StringComparison.Ordinal);
        Assert.Equal(1, l.Readers);
        Assert.Equal(AtomicState.PreemptIrqsOff, AtomicState.Now);
        l.ReadUnlockIrqRestore(flags);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
    }

    [Fact]
    public void Write_unlock_by_another_thread_is_a_wrong_owner()
    {
        var l = new KRwLock("test_rwlock");
        using var holder = LockHolderThread.Hold(() => l.WriteLock(), l.WriteUnlock);

        l.WriteUnlock();

        Assert.StartsWith($"BUG: rwlock wrong owner on CPU#0, {Me}", Assert.Single(l.Log.Messages), StringComparison.Ordinal);
        Assert.True(l.IsWriteLocked);
        holder.Release();
        Assert.False(l.IsWriteLocked);
    }

    [Fact]
    public void Waiting_too_long_for_the_write_side_reports_a_lockup_and_throws_with_the_context_restored()
    {
        var l = new KRwLock("test_rwlock") { SpinTimeout = TimeSpan.FromMilliseconds(100) };
        using var holder = LockHolderThread.Hold(() => l.ReadLock(), l.ReadUnlock);

        Assert.Throws<TimeoutException>(() => l.WriteLockIrqSave());

        Assert.StartsWith($"BUG: rwlock lockup suspected on CPU#0, {Me}", Assert.Single(l.Log.Messages), StringComparison.Ordinal);
        Assert.Equal(AtomicState.Clean, AtomicState.Now);
        holder.Release();
    }
}
