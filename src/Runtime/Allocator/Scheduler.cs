using System.Runtime.CompilerServices;

namespace GfpAnalyzers.Runtime;

/// <summary>
/// The scheduler's runqueue lock (<c>rq-&gt;__lock</c>), modelled per thread. Waking kswapd takes
/// <c>p-&gt;pi_lock</c> and then a runqueue lock (<c>try_to_wake_up()</c>), so an allocation that may wake kswapd
/// while this lock is held inverts that order: the page allocator reports it. Holding it is atomic context: like every
/// raw spin lock it adds one to <see cref="PreemptCount"/>.
/// </summary>
public static class Scheduler
{
    [ThreadStatic]
    private static int t_rqLockDepth;

    /// <summary>Whether the calling thread holds a runqueue lock.</summary>
    public static bool RunqueueLockHeld => t_rqLockDepth > 0;

    /// <summary>raw_spin_rq_lock(): takes the runqueue lock (preempt_disable()); dispose the guard to release it.</summary>
    /// <exception cref="InvalidOperationException">The preemption depth field would overflow.</exception>
    public static RunqueueLockGuard LockRunqueue()
    {
        PreemptCount.Add(PreemptCount.PreemptOffset, PreemptCount.PreemptMask, "raw_spin_rq_lock");
        t_rqLockDepth++;
        HeldLocks.Acquired("&rq->__lock", "raw_spin_rq_lock");
        return new RunqueueLockGuard(true);
    }

    /// <summary>raw_spin_rq_unlock(): releases the runqueue lock (preempt_enable()).</summary>
    /// <exception cref="InvalidOperationException">The calling thread does not hold the lock, or its preemption count was already dropped (nothing changes).</exception>
    public static void UnlockRunqueue()
    {
        if (t_rqLockDepth == 0)
        {
            throw new InvalidOperationException("raw_spin_rq_unlock() without holding the runqueue lock.");
        }

        PreemptCount.Sub(PreemptCount.PreemptOffset, PreemptCount.PreemptMask, "raw_spin_rq_unlock");
        t_rqLockDepth--;
        HeldLocks.Released("&rq->__lock");
    }

    /// <summary>
    /// might_sleep(): declares that the caller may sleep here. In atomic context (see <see cref="PreemptCount.SleepingForbidden"/>)
    /// it prints "BUG: sleeping function called from invalid context at &lt;caller's file:line&gt;" with Linux's detail
    /// lines to <paramref name="log"/>.
    /// </summary>
    /// <returns>Whether it reported.</returns>
    [MightSleep]
    public static bool MightSleep(KernelLog log,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0, [CallerMemberName] string function = "")
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!PreemptCount.SleepingForbidden)
        {
            return false;
        }

        var report = AtomicSleepReport.MightSleep(new AllocSite(file ?? "", line, function ?? "").ToString());
        if (report is not null)
        {
            log.Print(report);
        }

        return report is not null;
    }
}

/// <summary>The held runqueue lock; disposing it releases the lock.</summary>
public readonly struct RunqueueLockGuard : IDisposable
{
    private readonly bool _held;

    internal RunqueueLockGuard(bool held) => _held = held;

    /// <summary>Releases the runqueue lock.</summary>
    public void Dispose()
    {
        if (_held)
        {
            Scheduler.UnlockRunqueue();
        }
    }
}
