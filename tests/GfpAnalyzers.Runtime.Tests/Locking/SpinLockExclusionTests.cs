namespace GfpAnalyzers.Runtime.Tests;

/// <summary>Spin locks really exclude other threads (bounded waits: a broken lock fails, it does not hang).</summary>
public class SpinLockExclusionTests
{
    [Theory]
    [MemberData(nameof(SpinLockKind.Kinds), MemberType = typeof(SpinLockKind))]
    public void A_second_thread_waits_until_the_holder_unlocks(string kind)
    {
        var l = SpinLockKind.Create(kind);
        using var holder = LockHolderThread.Hold(() => l.Lock(), l.Unlock);
        var acquired = 0;
        var waiter = TestTimeouts.Thread(() =>
        {
            using (l.LockIrq())
            {
                Volatile.Write(ref acquired, 1);
            }
        });

        Assert.True(waiter.StillBlockedAfter(200), "the waiter took a lock another thread held");
        Assert.Equal(0, Volatile.Read(ref acquired));
        holder.Release();
        waiter.Finishes();
        Assert.Equal(1, acquired);
        Assert.Empty(l.Log.Messages);
    }

    [Fact]
    public void Unsynchronised_increments_under_the_lock_are_never_lost()
    {
        var l = new KSpinLock("counter_lock");
        var counter = 0;
        const int PerThread = 20_000;
        var threads = Enumerable.Range(0, 3).Select(_ => TestTimeouts.Thread(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                var flags = l.LockIrqSave();
                // A plain read-modify-write: only the lock keeps it from losing updates.
                var seen = counter;
                Thread.SpinWait(5);
                counter = seen + 1;
                l.UnlockIrqRestore(flags);
            }

            Assert.Equal(AtomicState.Clean, AtomicState.Now);
        })).ToArray();

        Task.WhenAll(threads).Finishes();
        Assert.Equal(3 * PerThread, counter);
        Assert.Empty(l.Log.Messages);
    }

    [Fact]
    public void TryLock_fails_while_another_thread_holds_the_lock_and_succeeds_after()
    {
        var l = new KRawSpinLock("test_lock");
        using (var holder = LockHolderThread.Hold(() => l.Lock(), l.Unlock))
        {
            Assert.False(l.TryLock());
            Assert.Equal(AtomicState.Clean, AtomicState.Now);
            holder.Release();
        }

        Assert.True(l.TryLock());
        l.Unlock();
    }
}
