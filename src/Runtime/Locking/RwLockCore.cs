namespace GfpAnalyzers.Runtime;

/// <summary>
/// The lock word and debug state of a <see cref="KRwLock"/>: any number of readers or one writer, with bounded spinning,
/// each side's context accounting, and reports in the words of kernel/locking/spinlock_debug.c's rwlock checks.
/// Readers may nest (read_lock is recursive in Linux); a thread that holds either side and asks for the write side, or
/// holds the write side and asks for either, would deadlock: that is reported and throws.
/// </summary>
internal sealed class RwLockCore
{
    private const int Writer = -1;

    private readonly object _gate = new();
    private readonly LockUsage _usage = new();
    // Read holds per managed thread, newest last: the dictionary changes under _gate, each list only on its own thread.
    private readonly Dictionary<int, List<(LockFlavor Flavor, IrqFlags Flags)>> _readHolds = [];
    private int _state;
    private int _writer;
    private LockFlavor _writeFlavor;
    private IrqFlags _writeFlags;

    public RwLockCore(string name, KernelLog? log)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Log = log ?? new KernelLog();
    }

    public string Name { get; }

    public KernelLog Log { get; }

    public TimeSpan SpinTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public int Readers => Math.Max(0, Volatile.Read(ref _state));

    public bool WriteLocked => Volatile.Read(ref _state) == Writer;

    public IrqFlags Lock(bool write, LockFlavor flavor, bool tryOnly, out bool taken)
    {
        var names = write ? PrimitiveNames.Write : PrimitiveNames.Read;
        var primitive = tryOnly ? names.TryLock(flavor) : names.Lock(flavor);

        var me = Environment.CurrentManagedThreadId;
        if (Volatile.Read(ref _writer) == me || (write && HoldsRead(me)))
        {
            Report("recursion");
            throw new InvalidOperationException(
                $"{primitive}(&{Name}): {CurrentTask.Comm}/{CurrentTask.Pid} already holds it{(write ? "" : " for writing")}; taking it again would deadlock (rwlock recursion).");
        }

        var flags = LockContext.Enter(flavor, primitive);
        taken = TryTake(write, me) || (!tryOnly && SpinFor(write, me));
        if (!taken)
        {
            LockContext.Exit(flavor, flags);
            if (tryOnly)
            {
                return default;
            }

            Report("lockup suspected");
            throw new TimeoutException(
                $"{primitive}(&{Name}): not available after {SpinTimeout.TotalMilliseconds:0} ms (rwlock lockup suspected).");
        }

        if (write)
        {
            _writeFlavor = flavor;
            _writeFlags = flags;
        }
        else
        {
            lock (_gate)
            {
                if (!_readHolds.TryGetValue(me, out var holds))
                {
                    _readHolds[me] = holds = [];
                }

                holds.Add((flavor, flags));
            }
        }

        HeldLocks.Acquired(Name, primitive);
        _usage.Acquired(Name, primitive, tryOnly, Log, read: !write);
        return flags;
    }

    public void Unlock(bool write, LockFlavor flavor, IrqFlags flags)
    {
        var primitive = (write ? PrimitiveNames.Write : PrimitiveNames.Read).Unlock(flavor);
        var readIndex = -1;
        var error = write ? CheckWriteUnlock(flavor, flags) : CheckReadUnlock(flavor, flags, out readIndex);
        if (error is not null)
        {
            Report(error.Value.What, $"{primitive}(&{Name}): {error.Value.Detail}");
            return;
        }

        LockContext.WarnBogusRestore(flavor, Log);

        if (write)
        {
            _writeFlags = default;
            Volatile.Write(ref _writer, 0);
            Volatile.Write(ref _state, 0);
        }
        else
        {
            lock (_gate)
            {
                var holds = _readHolds[Environment.CurrentManagedThreadId];
                holds.RemoveAt(readIndex);
                if (holds.Count == 0)
                {
                    _readHolds.Remove(Environment.CurrentManagedThreadId);
                }
            }

            Interlocked.Decrement(ref _state);
        }

        HeldLocks.Released(Name);
        LockContext.Exit(flavor, flags);
    }

    private (string What, string Detail)? CheckWriteUnlock(LockFlavor flavor, IrqFlags flags)
    {
        var writer = Volatile.Read(ref _writer);
        if (writer == 0)
        {
            return ("already unlocked", "the lock is not held for writing");
        }

        if (writer != Environment.CurrentManagedThreadId)
        {
            return ("wrong owner", "the write side is held by another thread");
        }

        if (_writeFlavor != flavor)
        {
            return ("wrong unlock primitive",
                $"locked with {PrimitiveNames.Write.Lock(_writeFlavor)}(); use {PrimitiveNames.Write.Unlock(_writeFlavor)}()");
        }

        var error = LockContext.CheckExit(flavor, flags, _writeFlags);
        return error is null ? null : ("bad unlock context", error);
    }

    private (string What, string Detail)? CheckReadUnlock(LockFlavor flavor, IrqFlags flags, out int index)
    {
        index = -1;
        List<(LockFlavor Flavor, IrqFlags Flags)>? holds;
        lock (_gate)
        {
            // Only the owning thread changes its own list, so reading it outside the gate is safe.
            _readHolds.TryGetValue(Environment.CurrentManagedThreadId, out holds);
        }

        if (holds is null || holds.Count == 0)
        {
            return ("already unlocked", "this thread holds no read lock");
        }

        index = holds.FindLastIndex(h => h.Flavor == flavor);
        if (index < 0)
        {
            var newest = holds[^1].Flavor;
            return ("wrong unlock primitive",
                $"locked with {PrimitiveNames.Read.Lock(newest)}(); use {PrimitiveNames.Read.Unlock(newest)}()");
        }

        var error = LockContext.CheckExit(flavor, flags, holds[index].Flags);
        return error is null ? null : ("bad unlock context", error);
    }

    private bool HoldsRead(int thread)
    {
        lock (_gate)
        {
            return _readHolds.ContainsKey(thread);
        }
    }

    // Apart from Lock so that the uncontended path allocates no closure.
    private bool SpinFor(bool write, int me) => LockContext.SpinUntil(() => TryTake(write, me), SpinTimeout);

    private bool TryTake(bool write, int me)
    {
        if (write)
        {
            if (Interlocked.CompareExchange(ref _state, Writer, 0) != 0)
            {
                return false;
            }

            Volatile.Write(ref _writer, me);
            return true;
        }

        var state = Volatile.Read(ref _state);
        return state >= 0 && Interlocked.CompareExchange(ref _state, state + 1, state) == state;
    }

    /// <summary>rwlock_bug(): "BUG: rwlock &lt;msg&gt; on CPU#0, comm/pid" and the lock's dump line.</summary>
    private void Report(string what, string? detail = null)
    {
        var writer = Volatile.Read(ref _writer);
        Log.Print(
            $"BUG: rwlock {what} on CPU#0, {CurrentTask.Comm}/{CurrentTask.Pid}\n"
            + $" lock: {Name}, .magic: deaf1eed, .owner: {(writer == 0 ? "<none>" : "writer")}/{(writer == 0 ? -1 : writer)}, .owner_cpu: {(writer == 0 ? -1 : 0)}, readers: {Readers}"
            + (detail is null ? "" : "\n" + detail)
            + CallTrace.OfCaller());
    }
}
