using GfpAnalyzers.Runtime;

namespace EarlyPfn;

/// <summary>
/// The early-PFN tracker as merged (v6). Pages allocated before page_ext exists get no codetag; the tracker records
/// their PFNs and, once page_ext is up, clears their tag references so that freeing them later does not warn
/// "alloc_tag was not set". Unlike the old fixed array of 8192 PFNs it has no limit: it grows a list of pool pages.
/// </summary>
public sealed class EarlyPfnRecorder
{
    private readonly PageAllocator _allocator;

    /// <summary>alloc_tag_add_early_pfn_ptr: the RCU-protected hook, cleared when page_ext comes up.</summary>
    private readonly RcuPointer<EarlyAllocHook> _hook;

    /// <summary>early_pfn_pool: the newest pool node; older ones hang off <see cref="PfnPoolNode.Next"/>.</summary>
    private PfnPoolNode? _pool;

    private int _poolPages;

    public EarlyPfnRecorder(PageAllocator allocator)
    {
        _allocator = allocator;
        _hook = new RcuPointer<EarlyAllocHook>(allocator.Rcu);
    }

    /// <summary>Pool pages in use.</summary>
    public int PoolPages => Volatile.Read(ref _poolPages);

    /// <summary>mem_init(): publish the hook; from now on the allocator reports every untagged allocation.</summary>
    public void Start()
    {
        _hook.Assign(RecordEarlyPfn);
        _allocator.SetEarlyAllocHook(AddEarlyPfn);
    }

    /// <summary>
    /// alloc_tag_add_early_pfn(): the page allocator calls this for every page it hands out before page_ext exists,
    /// with the caller's flags. The recording hook is reached through the RCU-protected pointer.
    /// </summary>
    public void AddEarlyPfn(ulong pfn, Gfp gfp)
    {
        _allocator.Rcu.ReadLock();
        var record = _hook.Dereference();
        record?.Invoke(pfn, gfp);
        _allocator.Rcu.ReadUnlock();
    }

    /// <summary>
    /// __alloc_tag_add_early_pfn(): records one PFN. It runs inside the page allocator (any allocation can reach it,
    /// some with scheduler locks held) and in an RCU read-side section, so its own allocation must not sleep, must not
    /// wake kswapd, must not inherit anything from the caller's <paramref name="gfp"/>, and must not be recorded.
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
                if (slot < PfnPoolNode.Capacity)
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
                _allocator.Log.WarnOnce("early-pfn-pool", $"WARNING: alloc_tag: no page for the early PFN pool; PFN {pfn} is not tracked");
                return;
            }

            var fresh = new PfnPoolNode(page, next: pool);
            fresh.Pfns[0] = pfn;
            if (Interlocked.CompareExchange(ref _pool, fresh, pool) == pool)
            {
                Interlocked.Increment(ref _poolPages);
                return;
            }

            // Lost the cmpxchg race: another CPU published its node first. The page never became a pool node; it was
            // allocated with NoCodetag, so its tag reference must be cleared before it goes back. Then retry.
            _allocator.ClearPageTagRef(page);
            _allocator.FreePage(page);
        }
    }

    /// <summary>
    /// clear_early_alloc_pfn_tag_refs(), once page_ext is up: unpublish the hook, wait out every reader that may still
    /// be running it, mark the recorded pages' references empty (unless tagged meanwhile), give the pool pages back.
    /// </summary>
    /// <returns>How many early PFNs were recorded.</returns>
    [MightSleep] // synchronize_rcu(): page_ext_init() runs where it may sleep
    public int ClearEarlyTagRefs()
    {
        _allocator.SetEarlyAllocHook(null);
        _hook.Assign(null);
        _allocator.Rcu.Synchronize();

        var recorded = 0;
        var pool = Interlocked.Exchange(ref _pool, null);
        while (pool is not null)
        {
            var count = Math.Min(pool.Count, PfnPoolNode.Capacity);
            for (var i = 0; i < count; i++)
            {
                var pfn = pool.Pfns[i];
                if (_allocator.PfnValid(pfn))
                {
                    _allocator.ClearPageTagRefIfNotSet(_allocator.PfnToPage(pfn));
                    recorded++;
                }
            }

            var next = pool.Next;
            _allocator.ClearPageTagRef(pool.Page);
            _allocator.FreePage(pool.Page);
            pool = next;
        }

        Volatile.Write(ref _poolPages, 0);
        return recorded;
    }
}
