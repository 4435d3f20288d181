using System.Runtime.CompilerServices;

namespace GfpAnalyzers.Runtime;

/// <summary>
/// Linux's <c>struct mutex</c>: a sleeping lock with an owner. <see cref="Lock"/> may sleep, so calling it in atomic
/// context (a spin lock held, interrupts or bottom halves off, preemption off, an RCU read-side section) is reported
/// as "BUG: sleeping function called from invalid context", and actually blocking there as
/// "BUG: scheduling while atomic". Another thread that holds it really blocks the caller, for at most
/// <see cref="HungTaskTimeout"/>.
/// </summary>
/// <remarks>
/// The K prefix keeps the name apart from <see cref="System.Threading.Mutex"/>, which every project imports.
/// Unlocking a mutex that is not locked, or that another thread holds, is reported to <see cref="Log"/> and changes
/// nothing; locking it again on the thread that holds it is reported and throws <see cref="InvalidOperationException"/>.
/// </remarks>
public sealed class KMutex
{
    private readonly object _gate = new();
    private TimeSpan _hungTaskTimeout = TimeSpan.FromSeconds(120);
    private int _owner;
    private string _ownerComm = "<none>";

    /// <summary>DEFINE_MUTEX(name): creates an unlocked mutex that reports to <paramref name="log"/> (or a log of its own).</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public KMutex(string name = "mutex", KernelLog? log = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Log = log ?? new KernelLog();
    }

    /// <summary>The mutex's name in reports.</summary>
    public string Name { get; }

    /// <summary>Where misuse is reported.</summary>
    public KernelLog Log { get; }

    /// <summary>
    /// How long <see cref="Lock"/> waits for another holder before it reports a hung task and throws
    /// <see cref="TimeoutException"/> (default 120 s, Linux's hung_task_timeout_secs).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public TimeSpan HungTaskTimeout
    {
        get => _hungTaskTimeout;
        init => _hungTaskTimeout = SleepingWait.Positive(value);
    }

    /// <summary>mutex_is_locked().</summary>
    public bool IsLocked => Volatile.Read(ref _owner) != 0;

    /// <summary>
    /// mutex_lock(): may sleep. Takes the mutex, waiting while another thread holds it. Dispose the guard or call <see cref="Unlock"/>.
    /// The caller's file and line name the site in the sleeping-in-atomic report.
    /// </summary>
    /// <exception cref="InvalidOperationException">The calling thread already holds it (it would deadlock).</exception>
    /// <exception cref="TimeoutException">Another thread held it longer than <see cref="HungTaskTimeout"/>.</exception>
    [MightSleep]
    public MutexGuard Lock([CallerFilePath] string file = "", [CallerLineNumber] int line = 0, [CallerMemberName] string function = "")
    {
        Scheduler.MightSleep(Log, file, line, function);
        var me = Environment.CurrentManagedThreadId;
        lock (_gate)
        {
            if (_owner == me)
            {
                Log.Print(
                    "WARNING: possible recursive locking detected\n"
                    + $"{CurrentTask.Comm}/{CurrentTask.Pid} is trying to acquire lock:\n ({Name}), at: mutex_lock\n"
                    + $"but task is already holding lock:\n ({Name}), at: mutex_lock"
                    + CallTrace.OfCaller());
                throw new InvalidOperationException($"mutex_lock(&{Name}): {CurrentTask.Comm}/{CurrentTask.Pid} already holds it; locking it again would deadlock.");
            }

            if (_owner != 0)
            {
                SleepingWait.Until(_gate, () => _owner == 0, HungTaskTimeout, Log, $"mutex_lock(&{Name})");
            }

            Take(me);
        }

        return new MutexGuard(this);
    }

    /// <summary>mutex_trylock(): takes the mutex if it is free; never sleeps.</summary>
    /// <returns>Whether it was taken (when false, nothing changed).</returns>
    public bool TryLock()
    {
        lock (_gate)
        {
            if (_owner != 0)
            {
                return false;
            }

            Take(Environment.CurrentManagedThreadId);
            return true;
        }
    }

    /// <summary>mutex_unlock(): releases the mutex and wakes a waiter. Misuse is reported and changes nothing.</summary>
    public void Unlock() => Release();

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({(IsLocked ? "locked" : "unlocked")})";

    // mutex_unlock() itself; the guard calls it too, so the runtime never calls the public Unlock the analyzers check.
    internal void Release()
    {
        lock (_gate)
        {
            if (_owner == 0)
            {
                Log.Print(
                    "WARNING: bad unlock balance detected!\n"
                    + $"{CurrentTask.Comm}/{CurrentTask.Pid} is trying to release lock ({Name}) at: mutex_unlock\n"
                    + "but there are no more locks to release!"
                    + CallTrace.OfCaller());
                return;
            }

            if (_owner != Environment.CurrentManagedThreadId)
            {
                Log.Print(
                    $"WARNING: CPU: 0 PID: {CurrentTask.Pid} at kernel/locking/mutex.c mutex_unlock: DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)\n"
                    + $"mutex_unlock(&{Name}) by {CurrentTask.Comm}/{CurrentTask.Pid}, but it is held by {_ownerComm}/{_owner}"
                    + CallTrace.OfCaller());
                return;
            }

            _owner = 0;
            _ownerComm = "<none>";
            HeldLocks.Released(Name);
            Monitor.PulseAll(_gate);
        }
    }

    private void Take(int me)
    {
        Volatile.Write(ref _owner, me);
        _ownerComm = CurrentTask.Comm;
        HeldLocks.Acquired(Name, "mutex_lock");
    }
}

/// <summary>The result of <see cref="KMutex.Lock"/> (<c>guard(mutex)</c>); disposing it is <see cref="KMutex.Unlock"/>.</summary>
public readonly struct MutexGuard : IDisposable
{
    private readonly KMutex? _mutex;

    internal MutexGuard(KMutex mutex) => _mutex = mutex;

    /// <summary>mutex_unlock().</summary>
    public void Dispose() => _mutex?.Release();
}
