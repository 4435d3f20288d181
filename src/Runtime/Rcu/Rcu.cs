namespace GfpAnalyzers.Runtime;

/// <summary>
/// RCU: read-side critical sections and grace periods. Every instance works on the same per-thread
/// reader state, so a section entered with any instance is seen by all of them and by the page allocator's
/// debug checks. Misuse is reported to <see cref="Log"/>, never thrown and never a hang.
/// </summary>
public sealed class Rcu
{
    private long _gracePeriods;

    /// <summary>Creates an RCU handle that reports to a log of its own.</summary>
    public Rcu() : this(new KernelLog()) { }

    /// <summary>Creates an RCU handle that reports to <paramref name="log"/>.</summary>
    public Rcu(KernelLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        Log = log;
    }

    /// <summary>Where misuse is reported.</summary>
    public KernelLog Log { get; }

    /// <summary>
    /// How long <see cref="Synchronize"/> waits for a reader before it reports an RCU stall
    /// (Linux's rcu_cpu_stall_timeout, 21 s). It keeps waiting after the report, as Linux does.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(21);

    /// <summary>How many grace periods <see cref="Synchronize"/> has completed on this handle.</summary>
    public long CompletedGracePeriods => Interlocked.Read(ref _gracePeriods);

    /// <summary>rcu_read_lock(): enters a read-side section; dispose the guard (or call <see cref="ReadUnlock"/>) to leave it.</summary>
    public RcuReadGuard ReadLock()
    {
        RcuReaders.Enter();
        return new RcuReadGuard(this);
    }

    /// <summary>rcu_read_unlock(). Without a matching <see cref="ReadLock"/> it reports the imbalance and changes nothing.</summary>
    public void ReadUnlock()
    {
        if (!RcuReaders.Exit())
        {
            Log.WarnOnce(
                "rcu-bad-unlock",
                "WARNING: bad unlock balance detected!\n"
                + $"{CurrentTask.Comm}/{CurrentTask.Pid} is trying to release lock (rcu_read_lock) at: rcu_read_unlock\n"
                + "but there are no more locks to release!");
        }
    }

    /// <summary>
    /// synchronize_rcu(): waits for every reader, on any thread, that started before it. Called inside a
    /// read-side section it would wait for itself: it reports that and returns at once. It may sleep: in other atomic
    /// context (see <see cref="PreemptCount"/>) it reports "BUG: sleeping function called from invalid context" first.
    /// </summary>
    public void Synchronize()
    {
        if (RcuReaders.CurrentDepth > 0)
        {
            Log.WarnOnce(
                "rcu-illegal-synchronize",
                "WARNING: suspicious RCU usage\n"
                + "kernel/rcu/tree.c: Illegal synchronize_rcu() in RCU read-side critical section!\n"
                + $"rcu_scheduler_active = 2, debug_locks = 1\n1 lock held by {CurrentTask.Comm}/{CurrentTask.Pid}: (rcu_read_lock)");
            return;
        }

        // Past the read-side check, so the RCU nest depth is 0: any report is a spin lock, preemption, bottom halves or interrupts off.
        var report = AtomicSleepReport.MightSleep("kernel/rcu/tree.c (synchronize_rcu)");
        if (report is not null)
        {
            Log.Print(report + CallTrace.OfCaller());
        }

        RcuReaders.WaitForPreexistingReaders(StallTimeout, ReportStall);
        Interlocked.Increment(ref _gracePeriods);
    }

    /// <summary>rcu_read_lock_held() for the calling thread (a section entered with any instance counts).</summary>
    public bool ReadLockHeld => RcuReaders.CurrentDepth > 0;

    /// <summary>rcu_preempt_depth(): how deeply the calling thread's read-side sections are nested.</summary>
    public static int NestingDepth => RcuReaders.CurrentDepth;

    internal void ReportSuspiciousDereference()
        => Log.WarnOnce(
            "rcu-suspicious-dereference",
            "WARNING: suspicious RCU usage\n"
            + "suspicious rcu_dereference_check() usage!\n"
            + $"no locks held by {CurrentTask.Comm}/{CurrentTask.Pid}.");

    private void ReportStall()
        => Log.Print(
            "INFO: rcu_preempt detected stalls on CPUs/tasks:\n"
            + $"synchronize_rcu() by {CurrentTask.Comm}/{CurrentTask.Pid} has waited more than {StallTimeout.TotalSeconds:0.#} s for a reader");
}
