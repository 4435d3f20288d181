namespace GfpAnalyzers.Runtime;

/// <summary>
/// The scheduler's runqueue lock (<c>rq-&gt;__lock</c>), modelled per thread. Waking kswapd takes
/// <c>p-&gt;pi_lock</c> and then a runqueue lock (<c>try_to_wake_up()</c>), so an allocation that may wake kswapd
/// while this lock is held inverts that order: the page allocator reports it. Holding it is atomic context.
/// </summary>
public static class Scheduler
{
    [ThreadStatic]
    private static int t_rqLockDepth;

    /// <summary>Whether the calling thread holds a runqueue lock.</summary>
    public static bool RunqueueLockHeld => t_rqLockDepth > 0;

    /// <summary>raw_spin_rq_lock(): takes the runqueue lock; dispose the guard to release it.</summary>
    public static RunqueueLockGuard LockRunqueue()
    {
        t_rqLockDepth++;
        return new RunqueueLockGuard(true);
    }

    /// <summary>raw_spin_rq_unlock().</summary>
    /// <exception cref="InvalidOperationException">The calling thread does not hold the lock.</exception>
    public static void UnlockRunqueue()
    {
        if (t_rqLockDepth == 0)
        {
            throw new InvalidOperationException("raw_spin_rq_unlock() without holding the runqueue lock.");
        }

        t_rqLockDepth--;
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
