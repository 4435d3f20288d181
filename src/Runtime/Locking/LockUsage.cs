namespace GfpAnalyzers.Runtime;

/// <summary>
/// Lockdep's irq-safety state of one lock: whether it was ever taken in a hardirq or softirq handler, and whether it was
/// ever taken with hardirqs or softirqs enabled. A lock that is both is a deadlock waiting for the interrupt to arrive
/// while the lock is held (the reason drivers use the _irqsave and _bh forms): reported once per lock as lockdep's
/// "inconsistent lock state". Read-side holds of an rwlock are recorded apart (-R): two readers never deadlock each
/// other, so only a conflict that involves a write (or spin lock) hold counts.
/// </summary>
internal sealed class LockUsage
{
    private readonly object _gate = new();
    private readonly string?[] _registeredAt = new string?[8];
    private bool _reported;

    private enum State
    {
        InHardirq,
        HardirqOn,
        InSoftirq,
        SoftirqOn,
    }

    /// <summary>Records the calling thread's context for an acquisition by <paramref name="primitive"/> and reports a conflict.</summary>
    public void Acquired(string lockName, string primitive, bool trylock, KernelLog log, bool read = false)
    {
        string? report = null;
        lock (_gate)
        {
            if (!trylock && PreemptCount.InHardirq)
            {
                report ??= Mark(State.InHardirq, State.HardirqOn, read, primitive, lockName);
            }

            if (!trylock && PreemptCount.InServingSoftirq)
            {
                report ??= Mark(State.InSoftirq, State.SoftirqOn, read, primitive, lockName);
            }

            if (!PreemptCount.IrqsDisabled)
            {
                report ??= Mark(State.HardirqOn, State.InHardirq, read, primitive, lockName);
                if (!PreemptCount.InSoftirq)
                {
                    report ??= Mark(State.SoftirqOn, State.InSoftirq, read, primitive, lockName);
                }
            }
        }

        if (report is not null)
        {
            log.Print(report + "\n" + HeldLocks.Describe() + CallTrace.OfCaller());
        }
    }

    /// <summary>Marks <paramref name="state"/>; returns the report when <paramref name="conflicting"/> was marked before (first time only).</summary>
    private string? Mark(State state, State conflicting, bool read, string primitive, string lockName)
    {
        _registeredAt[Index(state, read)] ??= $"{primitive} by {CurrentTask.Comm}/{CurrentTask.Pid}";
        // A read hold conflicts only with an earlier write hold; a write hold with either.
        var conflictRead = !read && _registeredAt[Index(conflicting, read: true)] is not null;
        var earlier = _registeredAt[Index(conflicting, read: false)] ?? (conflictRead ? _registeredAt[Index(conflicting, read: true)] : null);
        if (earlier is null || _reported)
        {
            return null;
        }

        var earlierRead = _registeredAt[Index(conflicting, read: false)] is null;
        _reported = true;
        var irq = state is State.InHardirq or State.HardirqOn ? "hardirq" : "softirq";
        return "WARNING: inconsistent lock state\n"
            + $"inconsistent {{{Name(conflicting, earlierRead)}}} -> {{{Name(state, read)}}} usage.\n"
            + $"{CurrentTask.Comm}/{CurrentTask.Pid} takes:\n ({lockName}), at: {primitive} by {CurrentTask.Comm}/{CurrentTask.Pid}\n"
            + $"{{{Name(conflicting, earlierRead)}}} state was registered at: {earlier}\n"
            + $"Possible unsafe locking scenario: CPU0: lock({lockName}); <Interrupt> ({irq}) lock({lockName}); *** DEADLOCK ***";
    }

    private static int Index(State state, bool read) => ((int)state * 2) + (read ? 1 : 0);

    private static string Name(State state, bool read) => state switch
    {
        State.InHardirq => "IN-HARDIRQ",
        State.HardirqOn => "HARDIRQ-ON",
        State.InSoftirq => "IN-SOFTIRQ",
        _ => "SOFTIRQ-ON",
    } + (read ? "-R" : "-W");
}
