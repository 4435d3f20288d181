namespace GfpAnalyzers.Runtime;

/// <summary>
/// The read-side state of every thread, shared by all <see cref="Rcu"/> instances (the model has one RCU
/// domain, as Linux has one RCU flavour): a section entered with any instance is visible to the allocator's
/// debug checks and to every instance's <see cref="Rcu.Synchronize"/>.
/// </summary>
internal static class RcuReaders
{
    [ThreadStatic]
    private static ReaderState? t_state;

    private static readonly object s_gate = new();
    private static readonly List<WeakReference<ReaderState>> s_readers = [];

    /// <summary>rcu_preempt_depth() of the calling thread.</summary>
    public static int CurrentDepth => t_state?.Depth ?? 0;

    /// <summary>
    /// <see cref="CurrentDepth"/>, for a lock being taken now (<see cref="HeldLocks"/> remembers it with the lock): inside
    /// a section, leaving sections then tells <see cref="HeldLocks"/>.
    /// </summary>
    public static int DepthForLockTaken()
    {
        var state = t_state;
        if (state is null || state.Depth == 0)
        {
            return 0;
        }

        state.LocksTakenInside = true;
        return state.Depth;
    }

    public static void Enter()
    {
        // Listed among the held locks from the depth alone (see HeldLocks): entering adds nothing to that list.
        var state = t_state ??= Register();
        if (state.Depth++ == 0)
        {
            // Odd while inside a section; the full fence orders it before the section's reads (rcu_dereference).
            Interlocked.Increment(ref state.Sequence);
        }
    }

    /// <summary>Leaves one nesting level; false when the thread holds no read lock (nothing changes).</summary>
    public static bool Exit()
    {
        var state = t_state;
        if (state is null || state.Depth == 0)
        {
            return false;
        }

        if (--state.Depth == 0)
        {
            // Only this thread writes its sequence, so no atomic read-modify-write is needed: a release store keeps
            // every read of the section before the "left" that Synchronize() waits for (an Interlocked increment
            // here cost a second full fence on every read-side pair).
            Volatile.Write(ref state.Sequence, state.Sequence + 1);
        }

        if (state.LocksTakenInside)
        {
            // Only then can a held lock remember a deeper nesting (a TLS read and a call saved on every other pair).
            state.LocksTakenInside = state.Depth > 0;
            HeldLocks.RcuSectionLeft(state.Depth);
        }

        return true;
    }

    /// <summary>
    /// Waits until every other thread that was inside a section when this was called has left it.
    /// Calls <paramref name="onStall"/> once if that takes longer than <paramref name="stallTimeout"/>, then keeps waiting
    /// (as Linux does: a reader that never leaves stalls the grace period for good).
    /// </summary>
    public static void WaitForPreexistingReaders(TimeSpan stallTimeout, Action onStall)
    {
        // Pairs with the fence in Enter: a reader that starts after this point sees what the updater published.
        Interlocked.MemoryBarrier();
        var waitFor = new List<(ReaderState State, long Sequence)>();
        lock (s_gate)
        {
            s_readers.RemoveAll(r => !r.TryGetTarget(out _));
            foreach (var reader in s_readers)
            {
                if (reader.TryGetTarget(out var state) && state != t_state)
                {
                    var sequence = Volatile.Read(ref state.Sequence);
                    if ((sequence & 1) != 0)
                    {
                        waitFor.Add((state, sequence));
                    }
                }
            }
        }

        var started = Environment.TickCount64;
        var stalled = false;
        foreach (var (state, sequence) in waitFor)
        {
            var spinner = new SpinWait();
            // A thread that ended inside a section will never leave it; it no longer runs, so it holds nothing back.
            while (Volatile.Read(ref state.Sequence) == sequence && state.Owner.IsAlive)
            {
                spinner.SpinOnce(sleep1Threshold: 20);
                if (!stalled && Environment.TickCount64 - started > stallTimeout.TotalMilliseconds)
                {
                    stalled = true;
                    onStall();
                }
            }
        }
    }

    private static ReaderState Register()
    {
        var state = new ReaderState();
        lock (s_gate)
        {
            s_readers.Add(new WeakReference<ReaderState>(state));
        }

        return state;
    }

    private sealed class ReaderState
    {
        public readonly Thread Owner = Thread.CurrentThread;
        public int Depth;
        public long Sequence;

        // Whether a lock was taken inside the current outermost section (HeldLocks must hear when sections end).
        public bool LocksTakenInside;
    }
}
