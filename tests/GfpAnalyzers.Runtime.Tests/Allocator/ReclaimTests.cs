namespace GfpAnalyzers.Runtime.Tests;

public class ReclaimTests
{
    [Fact]
    public void Direct_reclaim_frees_page_cache_only_for_masks_with_DirectReclaim()
    {
        var allocator = Models.Normal(1024);
        var cached = allocator.PageCache.Fill(2000);
        Assert.Equal(1024 - 64, cached);

        Assert.Null(allocator.AllocPage(Gfp.NoWait));
        Assert.Equal(cached, allocator.PageCache.Pages);

        Assert.NotNull(allocator.AllocPage(Gfp.Kernel));
        Assert.True(allocator.PageCache.Pages < cached);
        Assert.Empty(allocator.Log.Messages);
    }

    [Fact]
    public void Kswapd_reclaims_up_to_the_high_watermark_and_goes_back_to_sleep()
    {
        var allocator = Models.Normal(1024);
        allocator.PageCache.Fill(2000);
        allocator.AllocPage(Gfp.Atomic);
        var node = allocator.Nodes.Single();
        Assert.True(node.KswapdAwake);

        var reclaimed = allocator.RunKswapd();

        Assert.True(reclaimed > 0);
        Assert.InRange(allocator.FreePageCount, 96, 96 + 32);
        Assert.False(node.KswapdAwake);
    }

    [Fact]
    public void NoFail_with_direct_reclaim_never_returns_null_and_dips_into_reserves_when_nothing_is_reclaimable()
    {
        var allocator = Models.Normal(1024);
        Models.Drain(allocator, Gfp.NoWait);

        for (var i = 0; i < 40; i++)
        {
            Assert.NotNull(allocator.AllocPage(Gfp.Kernel | Gfp.NoFail));
        }

        Assert.Equal(64 - 40, allocator.FreePageCount);
        Assert.Empty(allocator.Log.Messages);
    }

    [Fact]
    public void NoFail_with_nothing_left_at_all_panics_like_Linux()
    {
        var allocator = Models.Normal(1024);
        Models.Drain(allocator, Gfp.Atomic | Gfp.MemAlloc);

        var panic = Assert.Throws<KernelPanicException>(() => allocator.AllocPage(Gfp.Kernel | Gfp.NoFail));

        Assert.Contains("Out of memory", panic.Message, StringComparison.Ordinal);
        Assert.True(allocator.Log.Contains("Kernel panic - not syncing"));
    }

    [Fact]
    public void NoFail_without_direct_reclaim_warns_once_and_may_fail()
    {
        var allocator = Models.Normal(1024);
        Models.Drain(allocator, Gfp.Atomic);

        Assert.Null(allocator.AllocPage(Gfp.Atomic | Gfp.NoFail | Gfp.NoWarn));
        Assert.Null(allocator.AllocPage(Gfp.Atomic | Gfp.NoFail | Gfp.NoWarn));

        Assert.Equal(1, allocator.Log.Count("__GFP_NOFAIL cannot be honoured without __GFP_DIRECT_RECLAIM"));
        Assert.Equal(2, allocator.Log.OnceHits("nofail-without-direct-reclaim"));
    }
}
