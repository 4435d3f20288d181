namespace GfpAnalyzers.Runtime;

public sealed partial class PageAllocator
{
    private const int SwapClusterMax = 32;
    private long _failures;

    /// <summary>The rate-limit key of the <c>page allocation failure</c> report (<see cref="KernelLog.PrintRateLimited"/>).</summary>
    public const string WarnAllocRateLimitKey = "warn_alloc";

    /// <summary>Allocations that returned null.</summary>
    public long FailedAllocations => Interlocked.Read(ref _failures);

    /// <summary>__alloc_pages(): fast path at the low watermark, then the slow path.</summary>
    private Page? Allocate(int preferredNode, Gfp gfp, int order, AllocSite site)
    {
        var highestZone = gfp.Zone();
        MightAlloc(gfp, site);
        var zonelist = _zonelists.Get(preferredNode, highestZone, (gfp & Gfp.ThisNode) != 0);
        var pfn = GetPageFromFreelist(zonelist, order, Watermark.Low);
        if (pfn < 0)
        {
            pfn = AllocSlowpath(zonelist, gfp, order, site);
        }

        if (pfn < 0)
        {
            Interlocked.Increment(ref _failures);
            if ((gfp & Gfp.NoWarn) == 0)
            {
                // warn_alloc() is rate-limited in Linux (nopage_rs): a machine out of memory prints a burst, not one line per failure.
                Log.PrintRateLimited(WarnAllocRateLimitKey, $"{CurrentTask.Comm}: page allocation failure: order:{order}, mode:{GfpFormat.FormatMode(gfp)}, nodemask=(null) at {site}");
            }

            return null;
        }

        return PostAllocHook((ulong)pfn, order, gfp, site);
    }

    /// <summary>__alloc_pages_slowpath(): wake kswapd, try the min watermark, reclaim directly if allowed.</summary>
    private long AllocSlowpath(Zone[] zonelist, Gfp gfp, int order, AllocSite site)
    {
        if (gfp.MayWakeKswapd())
        {
            WakeAllKswapds(zonelist, order, gfp, site);
        }

        var noWatermarks = (gfp & Gfp.MemAlloc) != 0 && (gfp & Gfp.NoMemAlloc) == 0;
        var minMark = noWatermarks ? Watermark.None : (gfp & Gfp.High) != 0 ? Watermark.HalfMin : Watermark.Min;
        var pfn = GetPageFromFreelist(zonelist, order, minMark);
        if (pfn >= 0)
        {
            return pfn;
        }

        if (!gfp.AllowsBlocking())
        {
            if ((gfp & Gfp.NoFail) != 0)
            {
                Log.WarnOnce(
                    "nofail-without-direct-reclaim",
                    $"WARNING: CPU: 0 PID: {CurrentTask.Pid} at mm/page_alloc.c __alloc_pages_slowpath: __GFP_NOFAIL cannot be honoured without __GFP_DIRECT_RECLAIM, mode:{GfpFormat.FormatMode(gfp)} at {site}");
            }

            return -1;
        }

        // Direct reclaim: free a batch of page cache from the allowed zones and retry, until reclaim finds nothing.
        while (true)
        {
            var reclaimed = PageCache.Reclaim(zonelist, Math.Max(SwapClusterMax, 1L << order));
            pfn = GetPageFromFreelist(zonelist, order, minMark);
            if (pfn >= 0 || reclaimed == 0 || (gfp & Gfp.NoRetry) != 0)
            {
                break;
            }
        }

        if (pfn < 0 && (gfp & Gfp.NoFail) != 0)
        {
            // __GFP_NOFAIL may not fail: it gets the reserves. With nothing left at all, Linux panics.
            pfn = GetPageFromFreelist(zonelist, order, Watermark.None);
            if (pfn < 0)
            {
                Log.Print($"Kernel panic - not syncing: Out of memory and no killable processes... (__GFP_NOFAIL order:{order}, mode:{GfpFormat.FormatMode(gfp)} at {site})");
                throw new KernelPanicException($"Out of memory and no killable processes: a __GFP_NOFAIL allocation of order {order} at {site} cannot be satisfied.");
            }
        }

        return pfn;
    }

    /// <summary>
    /// get_page_from_freelist(): the first zone of the zonelist that stays above its mark. The block is marked
    /// allocated under the same zone lock that takes it off the free lists.
    /// </summary>
    private long GetPageFromFreelist(Zone[] zonelist, int order, Watermark mark)
    {
        foreach (var zone in zonelist)
        {
            var pfn = zone.TryTake(order, zone.WatermarkPages(mark), _allocOrder);
            if (pfn >= 0)
            {
                return pfn;
            }
        }

        return -1;
    }

    /// <summary>post_alloc_hook(): zero the block (already marked allocated), then tag it or hand it to the early hook.</summary>
    private Page PostAllocHook(ulong pfn, int order, Gfp gfp, AllocSite site)
    {
        var page = PfnToPage(pfn);
        page.Order = order;
        if ((gfp & Gfp.Zero) != 0)
        {
            for (var i = 0UL; i < 1UL << order; i++)
            {
                PfnToPage(pfn + i).Zero();
            }
        }

        if (Profiling.Enabled && (gfp & Gfp.NoCodetag) == 0
            && !Profiling.TryTag(pfn, order, Profiling.TagFor(site.File, site.Line, site.Function)))
        {
            CallEarlyAllocHook(pfn, gfp);
        }

        return page;
    }

    /// <summary>The hook is reached through an RCU-protected pointer, so that page-ext init can retire it safely.</summary>
    private void CallEarlyAllocHook(ulong pfn, Gfp gfp)
    {
        using (Rcu.ReadLock())
        {
            _earlyAllocHook.Dereference()?.Invoke(pfn, gfp);
        }
    }
}
