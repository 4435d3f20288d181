namespace GfpAnalyzers.Runtime.Tests;

/// <summary>1024 pages, min 64, low 80, high 96 (see <see cref="Models.Normal"/>).</summary>
public class WatermarkTests
{
    [Fact]
    public void Watermarks_follow_min_free_and_the_scale_factor()
    {
        var zone = Models.Normal(1024).Zones.Single();

        Assert.Equal((64, 80, 96), (zone.MinWatermark, zone.LowWatermark, zone.HighWatermark));
    }

    [Fact]
    public void Plain_allocations_stop_at_the_min_watermark_and_High_reaches_half_of_the_reserve()
    {
        var allocator = Models.Normal(1024);

        Models.Drain(allocator, Gfp.NoWait);
        Assert.Equal(64, allocator.FreePageCount);

        Models.Drain(allocator, Gfp.Atomic);
        Assert.Equal(32, allocator.FreePageCount);

        Models.Drain(allocator, Gfp.Atomic | Gfp.MemAlloc);
        Assert.Equal(0, allocator.FreePageCount);
    }

    [Fact]
    public void Falling_below_low_wakes_kswapd_only_with_KswapdReclaim()
    {
        var allocator = Models.Normal(1024);
        var node = allocator.Nodes.Single();

        for (var i = 0; i < 1024 - 81; i++)
        {
            allocator.AllocPage(Gfp.NoWait);
        }

        Assert.Equal(0, node.KswapdWakeups);
        allocator.AllocPage(Gfp.NoWarn);
        Assert.Equal(0, node.KswapdWakeups);
        allocator.AllocPage(Gfp.NoWait);
        Assert.Equal(1, node.KswapdWakeups);
        Assert.True(node.KswapdAwake);
        allocator.AllocPage(Gfp.NoWait);
        Assert.Equal(1, node.KswapdWakeups);
    }

    [Fact]
    public void A_failed_allocation_returns_null_and_warns_unless_NoWarn()
    {
        var allocator = Models.Normal(1024);
        Models.Drain(allocator, Gfp.Atomic);

        Assert.Null(allocator.AllocPage(Gfp.Atomic | Gfp.NoWarn));
        Assert.Empty(allocator.Log.Messages);
        Assert.Null(allocator.AllocPages(Gfp.Atomic, 1));

        var message = Assert.Single(allocator.Log.Messages);
        Assert.StartsWith("swapper/0: page allocation failure: order:1, mode:0x820(GFP_ATOMIC), nodemask=(null)", message, StringComparison.Ordinal);
        Assert.Equal(2 + 1, allocator.FailedAllocations);
    }
}
