namespace GfpAnalyzers.Runtime;

/// <summary>
/// The model's kernel log (what <c>dmesg</c> shows): every debug check reports here, in Linux's wording.
/// Thread-safe. <see cref="WarnOnce"/> gives WARN_ONCE semantics: the first report with a key is printed,
/// later ones are only counted. <see cref="PrintRateLimited"/> gives printk_ratelimited semantics (KernelLog.RateLimit.cs).
/// </summary>
public sealed partial class KernelLog
{
    private readonly object _gate = new();
    private readonly List<string> _messages = [];
    private readonly Dictionary<string, int> _onceHits = new(StringComparer.Ordinal);

    /// <summary>A snapshot of every message printed so far, oldest first.</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_gate)
            {
                return _messages.ToArray();
            }
        }
    }

    /// <summary>Whether any printed message contains <paramref name="text"/> (ordinal comparison).</summary>
    public bool Contains(string text) => Count(text) > 0;

    /// <summary>How many printed messages contain <paramref name="text"/> (ordinal comparison).</summary>
    public int Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_gate)
        {
            return _messages.Count(m => m.Contains(text, StringComparison.Ordinal));
        }
    }

    /// <summary>How many printed messages are warnings or bugs (start with <c>WARNING</c> or <c>BUG</c>).</summary>
    public int WarningCount
    {
        get
        {
            lock (_gate)
            {
                return _messages.Count(IsWarning);
            }
        }
    }

    /// <summary>
    /// How many times the WARN_ONCE report with <paramref name="key"/> fired, including the suppressed repeats.
    /// </summary>
    public int OnceHits(string key)
    {
        lock (_gate)
        {
            return _onceHits.TryGetValue(key, out var hits) ? hits : 0;
        }
    }

    /// <summary>Prints a message (printk).</summary>
    public void Print(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            _messages.Add(message);
        }
    }

    /// <summary>
    /// WARN_ONCE: prints <paramref name="message"/> the first time <paramref name="key"/> fires and only counts
    /// it afterwards. Returns whether the message was printed.
    /// </summary>
    public bool WarnOnce(string key, string message)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            _onceHits.TryGetValue(key, out var hits);
            _onceHits[key] = hits + 1;
            if (hits > 0)
            {
                return false;
            }

            _messages.Add(message);
            return true;
        }
    }

    /// <summary>Forgets the printed messages (<c>dmesg -C</c>). WARN_ONCE state is kept, as in Linux.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _messages.Clear();
        }
    }

    /// <summary>Re-arms every WARN_ONCE (Linux's debugfs <c>clear_warn_once</c>).</summary>
    public void ClearWarnOnce()
    {
        lock (_gate)
        {
            _onceHits.Clear();
        }
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        lock (_gate)
        {
            return string.Join(Environment.NewLine, _messages);
        }
    }

    private static bool IsWarning(string message)
        => message.StartsWith("WARNING", StringComparison.Ordinal) || message.StartsWith("BUG", StringComparison.Ordinal);
}
