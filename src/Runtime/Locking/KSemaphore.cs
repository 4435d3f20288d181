using System.Runtime.CompilerServices;

namespace GfpAnalyzers.Runtime;

/// <summary>
/// Linux's <c>struct semaphore</c>: a counting sleeping lock without an owner. <see cref="Down"/> may sleep, so calling
/// it in atomic context is reported as "BUG: sleeping function called from invalid context", and actually blocking
/// there as "BUG: scheduling while atomic". A count of zero really blocks the caller until another thread calls
/// <see cref="Up"/>, for at most <see cref="HungTaskTimeout"/>.
/// </summary>
/// <remarks>The K prefix keeps the name apart from <see cref="System.Threading.Semaphore"/>, which every project imports.</remarks>
public sealed class KSemaphore
{
    private readonly object _gate = new();
    private TimeSpan _hungTaskTimeout = TimeSpan.FromSeconds(120);
    private int _count;

    /// <summary>sema_init(sem, count): creates a semaphore that admits <paramref name="count"/> holders at once.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public KSemaphore(int count, string name = "semaphore", KernelLog? log = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _count = count;
        Name = name;
        Log = log ?? new KernelLog();
    }

    /// <summary>The semaphore's name in reports.</summary>
    public string Name { get; }

    /// <summary>Where reports go.</summary>
    public KernelLog Log { get; }

    /// <summary>How many more <see cref="Down"/>s would succeed without waiting.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// How long <see cref="Down"/> waits at a count of zero before it reports a hung task and throws
    /// <see cref="TimeoutException"/> (default 120 s, Linux's hung_task_timeout_secs).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public TimeSpan HungTaskTimeout
    {
        get => _hungTaskTimeout;
        init => _hungTaskTimeout = SleepingWait.Positive(value);
    }

    /// <summary>
    /// down(): may sleep. Takes one unit, waiting while the count is zero. The caller's file and line name the site
    /// in the sleeping-in-atomic report.
    /// </summary>
    /// <exception cref="TimeoutException">The count stayed zero longer than <see cref="HungTaskTimeout"/> (nothing taken).</exception>
    [MightSleep]
    public void Down([CallerFilePath] string file = "", [CallerLineNumber] int line = 0, [CallerMemberName] string function = "")
    {
        Scheduler.MightSleep(Log, file, line, function);
        lock (_gate)
        {
            if (_count == 0)
            {
                SleepingWait.Until(_gate, () => _count > 0, HungTaskTimeout, Log, $"down(&{Name})");
            }

            _count--;
        }
    }

    /// <summary>
    /// down_trylock(), with the result the other way round: true when a unit was taken. (C's down_trylock returns 0 on
    /// success; a C# "Try" method returns true on success.) Never sleeps.
    /// </summary>
    public bool TryDown()
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                return false;
            }

            _count--;
            return true;
        }
    }

    /// <summary>up(): gives one unit back and wakes a waiter. Any thread may call it, in any context.</summary>
    /// <exception cref="InvalidOperationException">The count would overflow (nothing changes).</exception>
    public void Up()
    {
        lock (_gate)
        {
            if (_count == int.MaxValue)
            {
                throw new InvalidOperationException($"up(&{Name}): the count would overflow.");
            }

            _count++;
            Monitor.PulseAll(_gate);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (count {Count})";
}
