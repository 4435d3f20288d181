namespace GfpAnalyzers.Runtime;

/// <summary>
/// The lock word and debug state shared by <see cref="KSpinLock"/> and <see cref="KRawSpinLock"/>: real mutual
/// exclusion between threads (bounded spinning), the context accounting of each flavour, and CONFIG_DEBUG_SPINLOCK's
/// reports (kernel/locking/spinlock_debug.c) for recursion, unlocking an unlocked lock, a wrong owner and lockups.
/// </summary>
internal sealed class SpinLockCore
{
    private readonly PrimitiveNames _names;
    private readonly LockUsage _usage = new();
    private int _owner;

    // Written by the owner only, while it holds the lock.
    private LockFlavor _flavor;
    private IrqFlags _flags;
    private string _ownerComm = "<none>";

    public SpinLockCore(string name, PrimitiveNames names, KernelLog? log)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        _names = names;
        Log = log ?? new KernelLog();
    }

    public string Name { get; }

    public KernelLog Log { get; }

    public TimeSpan SpinTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsLocked => Volatile.Read(ref _owner) != 0;

    /// <summary>Takes the lock with <paramref name="flavor"/>, spinning at most <see cref="SpinTimeout"/>.</summary>
    public IrqFlags Lock(LockFlavor flavor)
    {
        var primitive = _names.Lock(flavor);
        var me = Environment.CurrentManagedThreadId;
        if (Volatile.Read(ref _owner) == me)
        {
            Report("recursion");
            throw new InvalidOperationException(
                $"{primitive}(&{Name}): {CurrentTask.Comm}/{CurrentTask.Pid} already holds it; taking it again would deadlock (spinlock recursion).");
        }

        var flags = LockContext.Enter(flavor, primitive);
        if (!TryTake(me) && !SpinFor(me))
        {
            var owner = Volatile.Read(ref _owner);
            Report("lockup suspected");
            LockContext.Exit(flavor, flags);
            throw new TimeoutException(
                $"{primitive}(&{Name}): still held by thread {owner} after {SpinTimeout.TotalMilliseconds:0} ms (spinlock lockup suspected).");
        }

        Acquired(flavor, flags, primitive, trylock: false);
        return flags;
    }

    /// <summary>spin_trylock(): takes the lock when it is free, without spinning.</summary>
    public bool TryLock(LockFlavor flavor, out IrqFlags flags)
    {
        var primitive = _names.TryLock(flavor);
        flags = LockContext.Enter(flavor, primitive);
        if (!TryTake(Environment.CurrentManagedThreadId))
        {
            LockContext.Exit(flavor, flags);
            flags = default;
            return false;
        }

        Acquired(flavor, flags, primitive, trylock: true);
        return true;
    }

    /// <summary>Releases the lock taken with <paramref name="flavor"/>; misuse is reported and changes nothing.</summary>
    public void Unlock(LockFlavor flavor, IrqFlags flags)
    {
        var primitive = _names.Unlock(flavor);
        var owner = Volatile.Read(ref _owner);
        if (owner == 0)
        {
            Report("already unlocked", $"{primitive}(&{Name}) of a lock nobody holds");
            return;
        }

        if (owner != Environment.CurrentManagedThreadId)
        {
            Report("wrong owner", $"{primitive}(&{Name}) by a thread that does not hold it");
            return;
        }

        if (_flavor != flavor)
        {
            Report(
                "wrong unlock primitive",
                $"locked with {_names.Lock(_flavor)}(), released with {primitive}(); use {_names.Unlock(_flavor)}()");
            return;
        }

        var error = LockContext.CheckExit(flavor, flags, _flags);
        if (error is not null)
        {
            Report("bad unlock context", $"{primitive}(&{Name}): {error}");
            return;
        }

        LockContext.WarnBogusRestore(flavor, Log);
        _ownerComm = "<none>";
        _flags = default;
        HeldLocks.Released(Name);
        Volatile.Write(ref _owner, 0);
        LockContext.Exit(flavor, flags);
    }

    private bool TryTake(int me) => Interlocked.CompareExchange(ref _owner, me, 0) == 0;

    // Apart from Lock so that the uncontended path allocates no closure.
    private bool SpinFor(int me) => LockContext.SpinUntil(() => TryTake(me), SpinTimeout);

    private void Acquired(LockFlavor flavor, IrqFlags flags, string primitive, bool trylock)
    {
        _flavor = flavor;
        _flags = flags;
        _ownerComm = CurrentTask.Comm;
        HeldLocks.Acquired(Name, primitive);
        _usage.Acquired(Name, primitive, trylock, Log);
    }

    /// <summary>spin_bug(): "BUG: spinlock &lt;msg&gt; on CPU#0, comm/pid" and the lock's dump line.</summary>
    private void Report(string what, string? detail = null)
    {
        var owner = Volatile.Read(ref _owner);
        Log.Print(
            $"BUG: spinlock {what} on CPU#0, {CurrentTask.Comm}/{CurrentTask.Pid}\n"
            + $" lock: {Name}, .magic: dead4ead, .owner: {(owner == 0 ? "<none>" : _ownerComm)}/{(owner == 0 ? -1 : owner)}, .owner_cpu: {(owner == 0 ? -1 : 0)}"
            + (detail is null ? "" : "\n" + detail)
            + CallTrace.OfCaller());
    }
}
