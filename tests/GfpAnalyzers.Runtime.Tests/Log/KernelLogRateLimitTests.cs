namespace GfpAnalyzers.Runtime.Tests;

public class KernelLogRateLimitTests
{
    /// <summary>A clock that moves only when told to, so the rate limit is deterministic.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    [Fact]
    public void A_burst_per_interval_is_printed_the_rest_is_counted_and_announced_when_the_next_interval_prints()
    {
        var clock = new ManualClock();
        var log = new KernelLog(clock);

        var printed = Enumerable.Range(0, 25).Count(i => log.PrintRateLimited("warn_alloc", $"failure {i}"));

        Assert.Equal(KernelLog.DefaultRateLimitBurst, printed);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"failure {i}"), log.Messages);
        Assert.Equal(15, log.Suppressed("warn_alloc"));

        clock.Advance(KernelLog.DefaultRateLimitInterval);
        Assert.True(log.PrintRateLimited("warn_alloc", "failure 25"));
        Assert.Equal(["warn_alloc: 15 callbacks suppressed", "failure 25"], log.Messages.Skip(10));
        Assert.Equal(15, log.Suppressed("warn_alloc")); // the total stays; only the interval's count is reset
    }

    [Fact]
    public void Keys_are_limited_independently_and_listed_in_key_order()
    {
        var log = new KernelLog(new ManualClock()) { RateLimitBurst = 1 };

        log.PrintRateLimited("b", "b1");
        log.PrintRateLimited("b", "b2");
        log.PrintRateLimited("a", "a1");
        log.PrintRateLimited("a", "a2");
        log.PrintRateLimited("a", "a3");

        Assert.Equal(["b1", "a1"], log.Messages);
        Assert.Equal([KeyValuePair.Create("a", 2L), KeyValuePair.Create("b", 1L)], log.SuppressedByKey);
        Assert.Equal(0, log.Suppressed("never"));
    }

    [Fact]
    public void A_zero_interval_turns_rate_limiting_off_and_bad_settings_throw()
    {
        var log = new KernelLog(new ManualClock()) { RateLimitInterval = TimeSpan.Zero };
        Assert.All(Enumerable.Range(0, 50), i => Assert.True(log.PrintRateLimited("k", $"{i}")));
        Assert.Equal(50, log.Messages.Count);

        Assert.Throws<ArgumentOutOfRangeException>(() => new KernelLog { RateLimitBurst = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new KernelLog { RateLimitInterval = TimeSpan.FromSeconds(-1) });
        Assert.Throws<ArgumentNullException>(() => new KernelLog(null!));
    }

    [Fact]
    public void Page_allocation_failures_are_rate_limited_as_warn_alloc()
    {
        var log = new KernelLog(new ManualClock());
        var allocator = new PageAllocator(new AllocatorOptions { TotalPages = 1024, Nodes = 1 }, log);

        var failures = 0;
        for (var i = 0; i < 200; i++)
        {
            if (allocator.AllocPages(Gfp.Atomic, 3) is null)
            {
                failures++;
            }
        }

        Assert.True(failures > KernelLog.DefaultRateLimitBurst);
        Assert.Equal(KernelLog.DefaultRateLimitBurst, log.Count("page allocation failure"));
        Assert.Equal(failures - KernelLog.DefaultRateLimitBurst, log.Suppressed(PageAllocator.WarnAllocRateLimitKey));
    }
}
