namespace GfpAnalyzers.Runtime.Tests;

/// <summary>synchronize_rcu() really waits for readers that started before it, on other threads.</summary>
public class SynchronizeTests
{
    [Fact]
    public async Task Synchronize_waits_until_a_preexisting_reader_on_another_thread_leaves()
    {
        var rcu = new Rcu();
        using var reader = ReaderThread.Enter(rcu);

        var synchronize = TestTimeouts.Thread(rcu.Synchronize);

        Assert.True(await synchronize.StillRunningAfter(200), "Synchronize returned while a reader was inside");
        reader.Leave();
        await synchronize.Within();
        Assert.True(reader.HasLeft);
        await reader.Task.Within();
        Assert.Equal(1, rcu.CompletedGracePeriods);
    }

    [Fact]
    public async Task Synchronize_waits_for_readers_of_any_instance()
    {
        var updater = new Rcu();
        using var reader = ReaderThread.Enter(new Rcu());

        var synchronize = TestTimeouts.Thread(updater.Synchronize);

        Assert.True(await synchronize.StillRunningAfter(200));
        reader.Leave();
        await synchronize.Within();
        await reader.Task.Within();
    }

    [Fact]
    public async Task Unpublished_object_is_no_longer_seen_by_readers_after_synchronize()
    {
        var rcu = new Rcu();
        var pointer = new RcuPointer<object>(rcu);
        var old = new object();
        pointer.Assign(old);
        var stop = 0;
        var sawOldAfterGracePeriod = 0;
        var gracePeriodDone = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => TestTimeouts.Thread(() =>
        {
            while (Volatile.Read(ref stop) == 0)
            {
                using (rcu.ReadLock())
                {
                    var done = Volatile.Read(ref gracePeriodDone);
                    if (ReferenceEquals(pointer.Dereference(), old) && done == 1)
                    {
                        Interlocked.Increment(ref sawOldAfterGracePeriod);
                    }
                }
            }
        })).ToArray();

        Thread.Sleep(50);
        pointer.Assign(new object());
        rcu.Synchronize();
        Volatile.Write(ref gracePeriodDone, 1);
        Thread.Sleep(50);
        Volatile.Write(ref stop, 1);

        await Task.WhenAll(readers).Within();
        Assert.Equal(0, sawOldAfterGracePeriod);
        Assert.Empty(rcu.Log.Messages);
    }

    [Fact]
    public async Task A_long_reader_gets_a_stall_report_and_synchronize_still_completes()
    {
        var rcu = new Rcu { StallTimeout = TimeSpan.FromMilliseconds(50) };
        using var reader = ReaderThread.Enter(rcu);
        var synchronize = TestTimeouts.Thread(rcu.Synchronize);

        var deadline = DateTime.UtcNow + TestTimeouts.Long;
        while (!rcu.Log.Contains("detected stalls") && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }

        reader.Leave();
        await synchronize.Within();
        await reader.Task.Within();
        Assert.True(rcu.Log.Contains("INFO: rcu_preempt detected stalls"));
    }
}
