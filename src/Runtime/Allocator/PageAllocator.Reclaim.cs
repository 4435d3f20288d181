namespace GfpAnalyzers.Runtime;

public sealed partial class PageAllocator
{
    /// <summary>
    /// kswapd's balance_pgdat() for every node whose kswapd was woken: reclaims page cache until the node's
    /// zones are back above their high watermark (or nothing is left to reclaim), then kswapd sleeps.
    /// Returns the pages reclaimed.
    /// </summary>
    public long RunKswapd()
    {
        long reclaimed = 0;
        foreach (var node in Nodes.Where(n => n.KswapdAwake))
        {
            while (true)
            {
                var low = node.Zones.Where(z => z.FreePages < z.HighWatermark).ToArray();
                var got = low.Length == 0 ? 0 : PageCache.Reclaim(low, SwapClusterMax);
                reclaimed += got;
                if (got == 0)
                {
                    break;
                }
            }

            node.KswapdSleeps();
        }

        return reclaimed;
    }

    /// <summary>
    /// wake_all_kswapds(): wakes the kswapd of every node in the zonelist whose zones are not balanced.
    /// The wake-up takes scheduler locks, so doing it with a runqueue lock held is reported.
    /// </summary>
    private void WakeAllKswapds(Zone[] zonelist, int order, Gfp gfp, AllocSite site)
    {
        foreach (var group in zonelist.GroupBy(z => z.NodeId))
        {
            var balanced = group.All(z => z.FreePages - (1L << order) >= z.HighWatermark);
            if (balanced || !Nodes[group.Key].TryWakeKswapd())
            {
                continue;
            }

            if (Scheduler.RunqueueLockHeld)
            {
                Log.WarnOnce(
                    "kswapd-wakeup-under-rq-lock",
                    "WARNING: possible circular locking dependency detected\n"
                    + $"{CurrentTask.Comm}/{CurrentTask.Pid} is trying to acquire lock: &p->pi_lock, at: try_to_wake_up\n"
                    + "but task is already holding lock: &rq->__lock\n"
                    + "which lock already depends on the new lock (&p->pi_lock --> &rq->__lock).\n"
                    + $"wakeup_kswapd(node {group.Key}) from an allocation with __GFP_KSWAPD_RECLAIM, mode:{GfpFormat.FormatMode(gfp)} at {site}");
            }
        }
    }

    /// <summary>
    /// might_alloc(): an allocation that may sleep (<c>__GFP_DIRECT_RECLAIM</c>) must not be made in atomic context
    /// (a spin lock or the runqueue lock held, preemption, bottom halves or interrupts off, an RCU read-side section),
    /// as <see cref="PreemptCount"/> tells.
    /// </summary>
    private void MightAlloc(Gfp gfp, AllocSite site)
    {
        // The site is formatted only for a report: every allocation that may sleep passes here.
        var report = gfp.AllowsBlocking() && PreemptCount.SleepingForbidden ? AtomicSleepReport.MightSleep(site.ToString()) : null;
        if (report is not null)
        {
            Log.Print(report + $"\nmode:{GfpFormat.FormatMode(gfp)}");
        }
    }
}
