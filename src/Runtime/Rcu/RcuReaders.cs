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

    public static void Enter()
    {
        var state = t_state ??= Register();
        HeldLocks.Acquired("rcu_read_lock", "rcu_read_lock");
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

        HeldLocks.Released("rcu_read_lock");
        if (--state.Depth == 0)
        {
            Interlocked.Increment(ref state.Sequence);
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
    }
}
