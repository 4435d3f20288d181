namespace GfpAnalyzers.Runtime;

/// <summary>
/// printk_ratelimited(): Linux lets a burst of reports with one key through per interval and only counts the rest
/// (lib/ratelimit.c, <c>DEFAULT_RATELIMIT_BURST</c> 10 per <c>DEFAULT_RATELIMIT_INTERVAL</c> 5 s). The first report
/// after an interval with suppressed ones first prints "<c>&lt;key&gt;: N callbacks suppressed</c>". Without this,
/// a machine that runs out of memory prints one <c>page allocation failure</c> per failed allocation: tens of
/// thousands of identical lines.
/// </summary>
public sealed partial class KernelLog
{
    /// <summary>DEFAULT_RATELIMIT_INTERVAL (5 * HZ).</summary>
    public static readonly TimeSpan DefaultRateLimitInterval = TimeSpan.FromSeconds(5);

    /// <summary>DEFAULT_RATELIMIT_BURST.</summary>
    public const int DefaultRateLimitBurst = 10;

    private readonly TimeProvider _time;
    private readonly Dictionary<string, RateLimitState> _rateLimits = new(StringComparer.Ordinal);
    private readonly TimeSpan _rateLimitInterval = DefaultRateLimitInterval;
    private readonly int _rateLimitBurst = DefaultRateLimitBurst;

    /// <summary>A log whose rate limits run on the system clock.</summary>
    public KernelLog()
        : this(TimeProvider.System)
    {
    }

    /// <summary>A log whose rate limits run on <paramref name="time"/> (a fake clock makes them deterministic).</summary>
    public KernelLog(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>How long a rate-limit interval lasts (ratelimit_state.interval); zero turns rate limiting off.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public TimeSpan RateLimitInterval
    {
        get => _rateLimitInterval;
        init => _rateLimitInterval = value >= TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(RateLimitInterval), value, "RateLimitInterval must not be negative.");
    }

    /// <summary>How many reports per key and interval are printed (ratelimit_state.burst).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int RateLimitBurst
    {
        get => _rateLimitBurst;
        init => _rateLimitBurst = value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(RateLimitBurst), value, "RateLimitBurst must not be negative.");
    }

    /// <summary>
    /// printk_ratelimited() with one ratelimit_state per <paramref name="key"/> (Linux names the state after the
    /// function that reports, e.g. <c>warn_alloc</c>): prints <paramref name="message"/> unless
    /// <see cref="RateLimitBurst"/> reports with this key were printed in the current interval; otherwise only counts
    /// it. Returns whether the message was printed.
    /// </summary>
    public bool PrintRateLimited(string key, string message)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            if (_rateLimitInterval == TimeSpan.Zero)
            {
                _messages.Add(message);
                return true;
            }

            var now = _time.GetTimestamp();
            if (!_rateLimits.TryGetValue(key, out var state))
            {
                state = new RateLimitState { Begin = now };
                _rateLimits.Add(key, state);
            }

            if (_time.GetElapsedTime(state.Begin, now) >= _rateLimitInterval)
            {
                if (state.Missed > 0)
                {
                    _messages.Add($"{key}: {state.Missed} callbacks suppressed");
                }

                state.Begin = now;
                state.Printed = 0;
                state.Missed = 0;
            }

            if (state.Printed < _rateLimitBurst)
            {
                state.Printed++;
                _messages.Add(message);
                return true;
            }

            state.Missed++;
            state.Suppressed++;
            return false;
        }
    }

    /// <summary>How many reports with <paramref name="key"/> the rate limit has suppressed so far (all intervals).</summary>
    public long Suppressed(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            return _rateLimits.TryGetValue(key, out var state) ? state.Suppressed : 0;
        }
    }

    /// <summary>Every key whose reports the rate limit suppressed, with how many, ordered by key.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> SuppressedByKey
    {
        get
        {
            lock (_gate)
            {
                return _rateLimits
                    .Where(entry => entry.Value.Suppressed > 0)
                    .Select(entry => KeyValuePair.Create(entry.Key, entry.Value.Suppressed))
                    .OrderBy(entry => entry.Key, StringComparer.Ordinal)
                    .ToArray();
            }
        }
    }

    private sealed class RateLimitState
    {
        public long Begin { get; set; }

        public int Printed { get; set; }

        /// <summary>Suppressed in the current interval: reported by the next "callbacks suppressed" line.</summary>
        public long Missed { get; set; }

        /// <summary>Suppressed since the log was created.</summary>
        public long Suppressed { get; set; }
    }
}
