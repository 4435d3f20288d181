using GfpAnalyzers.Runtime;

namespace EarlyPfn;

/// <summary>
/// The early-PFN tracker as merged (v6). Pages allocated before page_ext exists get no codetag; the tracker records
/// their PFNs and, once page_ext is up, clears their tag references so that freeing them later does not warn
/// "alloc_tag was not set". Unlike the old fixed array of 8192 PFNs it has no limit: it grows a list of pool pages.
/// </summary>
public sealed class EarlyPfnTracker
{
    private readonly PageAllocator _allocator;
    private readonly Rcu _rcu;

    /// <summary>alloc_tag_add_early_pfn_ptr: the RCU-protected hook, cleared when page_ext comes up.</summary>
    private readonly RcuPointer<EarlyPfnHook> _hook = new();

    /// <summary>early_pfn_pool: the newest pool node; older ones hang off <see cref="PfnPool.Next"/>.</summary>
    private PfnPool? _pool;

    public EarlyPfnTracker(PageAllocator allocator, Rcu rcu)
    {
        _allocator = allocator;
        _rcu = rcu;
        _hook.Assign(RecordEarlyPfn);
    }

    public delegate void EarlyPfnHook(ulong pfn, Gfp gfp);

    /// <summary>
    /// alloc_tag_add_early_pfn(): the page allocator calls this for every page it hands out before page_ext exists,
    /// with the caller's flags. The hook is reached through the RCU-protected pointer, so it runs in an RCU read-side
    /// section, inside the allocator.
    /// </summary>
    public void AddEarlyPfn(ulong pfn, Gfp gfp)
    {
        _rcu.ReadLock();
        var record = _hook.Dereference();
        record?.Invoke(pfn, gfp);
        _rcu.ReadUnlock();
    }

    /// <summary>
    /// __alloc_tag_add_early_pfn(): records one PFN. It runs inside the page allocator (any allocation can reach it,
    /// some with scheduler locks held), so its own allocation must not sleep, must not wake kswapd, must not inherit
    /// anything from the caller's <paramref name="gfp"/>, and must not be recorded itself.
    /// </summary>
    [AllocationHook]
    private void RecordEarlyPfn(ulong pfn, Gfp gfp)
    {
        while (true)
        {
            var pool = Volatile.Read(ref _pool);
            if (pool is not null)
            {
                var slot = Interlocked.Increment(ref pool.Count) - 1;
                if (slot < PfnPool.Capacity)
                {
                    pool.Pfns[slot] = pfn;
                    return;
                }
            }

            // v6: a constant. High: no reclaim of any kind, but access to reserves. NoCodetag: the tracker's own
            // page is not recorded (no recursion into this hook) and gets no codetag. Nothing of gfp is inherited.
            var page = _allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
            if (page is null)
            {
                Console.Error.WriteLine($"alloc_tag: failed to allocate an early PFN pool page; PFN {pfn} is not tracked");
                return;
            }

            var fresh = new PfnPool(page, next: pool);
            fresh.Pfns[0] = pfn;
            if (Interlocked.CompareExchange(ref _pool, fresh, pool) == pool)
            {
                return;
            }

            // Lost the cmpxchg race: another CPU published its node first. The page never became a pool node; it was
            // allocated with NoCodetag, so its tag reference must be cleared before it goes back, then retry.
            _allocator.ClearPageTagRef(page);
            _allocator.FreePage(page);
        }
    }

    /// <summary>
    /// clear_early_alloc_pfn_tag_refs(): page_ext is up. Unpublish the hook, wait out every reader that may still be
    /// running it, then clear the recorded pages' tag references and give the pool pages back.
    /// </summary>
    /// <returns>How many early PFNs were cleared.</returns>
    public int ClearEarlyTagRefs()
    {
        _hook.Assign(null);
        _rcu.Synchronize();

        var cleared = 0;
        var pool = Interlocked.Exchange(ref _pool, null);
        while (pool is not null)
        {
            var count = Math.Min(pool.Count, PfnPool.Capacity);
            for (var i = 0; i < count; i++)
            {
                var pfn = pool.Pfns[i];
                if (_allocator.PfnValid(pfn))
                {
                    _allocator.ClearPageTagRef(_allocator.PfnToPage(pfn));
                    cleared++;
                }
            }

            var next = pool.Next;
            _allocator.ClearPageTagRef(pool.Page);
            _allocator.FreePage(pool.Page);
            pool = next;
        }

        return cleared;
    }
}
