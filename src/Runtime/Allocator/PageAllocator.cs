using System.Runtime.CompilerServices;

namespace GfpAnalyzers.Runtime;

/// <summary>
/// The buddy page allocator of the model: NUMA nodes with DMA/DMA32/Normal/Movable zones, watermarks,
/// kswapd and direct reclaim, memory allocation profiling and the debug checks of a kernel built with
/// CONFIG_DEBUG_ATOMIC_SLEEP, lockdep and CONFIG_MEM_ALLOC_PROFILING_DEBUG, all reporting to <see cref="Log"/>.
/// Thread-safe. Bad arguments throw (<see cref="ArgumentException"/> and subclasses) and change nothing.
/// </summary>
public sealed partial class PageAllocator
{
    /// <summary>PAGE_SIZE.</summary>
    public const int PageSize = 4096;

    /// <summary>MAX_PAGE_ORDER: the largest block is 2^10 pages (4 MiB).</summary>
    public const int MaxPageOrder = 10;

    private readonly sbyte[] _freeOrder;
    private readonly sbyte[] _allocOrder;
    private readonly Page?[] _pages;
    private readonly Zone[] _zones;
    private readonly RcuPointer<EarlyAllocHook> _earlyAllocHook;
    private readonly Zonelists _zonelists;

    /// <summary>
    /// Creates a default-sized allocator (256 MiB, one node) in the post-boot state: allocation profiling on,
    /// its debug checks on and page_ext initialised.
    /// </summary>
    public PageAllocator() : this(new AllocatorOptions()) { }

    /// <summary>Creates an allocator shaped by <paramref name="options"/>, reporting to <paramref name="log"/> (or a log of its own).</summary>
    public PageAllocator(AllocatorOptions options, KernelLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Log = log ?? new KernelLog();
        Rcu = new Rcu(Log);
        _freeOrder = new sbyte[options.TotalPages];
        _allocOrder = new sbyte[options.TotalPages];
        Array.Fill(_freeOrder, (sbyte)-1);
        Array.Fill(_allocOrder, (sbyte)-1);
        _pages = new Page?[options.TotalPages];
        Nodes = MemoryLayout.Build(options, _freeOrder);
        _zones = Nodes.SelectMany(n => n.Zones).OrderBy(z => z.StartPfn).ToArray();
        _zonelists = new Zonelists(Nodes);
        Profiling = new AllocProfiling(options.Profiling, options.TotalPages, Log);
        PageCache = new PageCache(this);
        _earlyAllocHook = new RcuPointer<EarlyAllocHook>(Rcu);
    }

    /// <summary>The configuration.</summary>
    public AllocatorOptions Options { get; }

    /// <summary>Where the debug checks report (the kernel log).</summary>
    public KernelLog Log { get; }

    /// <summary>The RCU handle the allocator uses for its early-allocation hook; it reports to <see cref="Log"/>.</summary>
    public Rcu Rcu { get; }

    /// <summary>Memory allocation profiling: tags, tag references, <c>/proc/allocinfo</c>.</summary>
    public AllocProfiling Profiling { get; }

    /// <summary>The NUMA nodes.</summary>
    public IReadOnlyList<NumaNode> Nodes { get; }

    /// <summary>Every populated zone, by PFN.</summary>
    public IReadOnlyList<Zone> Zones => _zones;

    /// <summary>Reclaimable page-cache pages.</summary>
    public PageCache PageCache { get; }

    /// <summary>Page frames in the machine.</summary>
    public long TotalPages => Options.TotalPages;

    /// <summary>Free pages over all zones.</summary>
    public long FreePageCount => _zones.Sum(z => z.FreePages);

    /// <summary>alloc_page(): one page, or null on failure.</summary>
    public Page? AllocPage(Gfp gfp,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0, [CallerMemberName] string function = "")
        => AllocPages(gfp, 0, file, line, function);

    /// <summary>alloc_pages(): 2^order contiguous pages from the local node (node 0), or null on failure.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> is negative or above <see cref="MaxPageOrder"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="gfp"/> has contradicting zone modifiers.</exception>
    public Page? AllocPages(Gfp gfp, int order,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0, [CallerMemberName] string function = "")
        => AllocPagesNode(0, gfp, order, file, line, function);

    /// <summary>
    /// alloc_pages_node(): 2^order contiguous pages, preferably from node <paramref name="node"/>; with
    /// <see cref="Gfp.ThisNode"/> only from that node.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The node or order is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="gfp"/> has contradicting zone modifiers.</exception>
    public Page? AllocPagesNode(int node, Gfp gfp, int order,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0, [CallerMemberName] string function = "")
    {
        ValidateOrder(order);
        if (node < 0 || node >= Nodes.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(node), node, $"Node {node} does not exist: the model has nodes 0..{Nodes.Count - 1}.");
        }

        return Allocate(node, gfp, order, new AllocSite(file ?? "", line, function ?? ""));
    }

    /// <summary>__free_page().</summary>
    public void FreePage(Page page) => FreePages(page, 0);

    /// <summary>__free_pages(): returns the block headed by <paramref name="page"/>, allocated with <paramref name="order"/>.</summary>
    /// <exception cref="ArgumentException">
    /// The page belongs to another allocator, is not allocated (a double free), or was allocated with another order.
    /// </exception>
    public void FreePages(Page page, int order)
    {
        ArgumentNullException.ThrowIfNull(page);
        ValidateOrder(order);
        CheckOwned(page);
        var zone = ZoneOf(page.Pfn);
        lock (zone.Area)
        {
            var allocated = _allocOrder[page.Pfn];
            if (allocated < 0)
            {
                throw new ArgumentException($"BUG: Bad page state: {page} is not allocated (double free, or not the head of its block).", nameof(page));
            }

            if (allocated != order)
            {
                throw new ArgumentException($"BUG: Bad page state: {page} was allocated with order {allocated} but is freed with order {order}.", nameof(order));
            }

            if (Profiling.Enabled)
            {
                Profiling.Untag(page.Pfn, order);
            }

            _allocOrder[page.Pfn] = -1;
            page.Order = 0;
            zone.Area.Give((long)page.Pfn, order);
        }
    }

    /// <summary>clear_page_tag_ref(): marks the page's tag reference as deliberately empty (CODETAG_EMPTY).</summary>
    /// <exception cref="ArgumentException">The page belongs to another allocator.</exception>
    public void ClearPageTagRef(Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        CheckOwned(page);
        if (Profiling.Enabled)
        {
            Profiling.Clear(page.Pfn);
        }
    }

    /// <summary>
    /// Marks the page's tag reference CODETAG_EMPTY only if it was never set, keeping a tag set meanwhile
    /// (what clearing the early-allocated pages at page-ext init does). Returns whether it changed the reference.
    /// </summary>
    /// <exception cref="ArgumentException">The page belongs to another allocator.</exception>
    public bool ClearPageTagRefIfNotSet(Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        CheckOwned(page);
        return Profiling.Enabled && Profiling.ClearIfNotSet(page.Pfn);
    }

    /// <summary>pfn_to_page(): the page object of <paramref name="pfn"/>, always the same one.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pfn"/> is not valid (see <see cref="PfnValid"/>).</exception>
    public Page PfnToPage(ulong pfn)
    {
        if (!PfnValid(pfn))
        {
            throw new ArgumentOutOfRangeException(nameof(pfn), pfn, $"pfn 0x{pfn:x} is not valid: the model has page frames 0x0..0x{TotalPages - 1:x}.");
        }

        var page = Volatile.Read(ref _pages[pfn]);
        return page ?? Interlocked.CompareExchange(ref _pages[pfn], new Page(this, pfn), null) ?? _pages[pfn]!;
    }

    /// <summary>pfn_valid(): whether the model has a page frame <paramref name="pfn"/>.</summary>
    public bool PfnValid(ulong pfn) => pfn < (ulong)TotalPages;

    /// <summary>
    /// Installs (or, with null, removes) the hook called, under <c>rcu_read_lock()</c>, for every allocation made
    /// while pages have no tag reference yet, except those with <see cref="Gfp.NoCodetag"/>. Removing it does not
    /// wait for running hooks: call <see cref="Rcu.Synchronize"/> for that.
    /// </summary>
    public void SetEarlyAllocHook(EarlyAllocHook? hook) => _earlyAllocHook.Assign(hook);

    internal Zone ZoneOf(ulong pfn)
    {
        int lo = 0, hi = _zones.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (_zones[mid].StartPfn <= (long)pfn)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return _zones[lo];
    }

    internal bool IsAllocatedHead(ulong pfn) => PfnValid(pfn) && Volatile.Read(ref _allocOrder[pfn]) >= 0;

    private static void ValidateOrder(int order)
    {
        if (order < 0 || order > MaxPageOrder)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, $"order must be between 0 and MAX_PAGE_ORDER ({MaxPageOrder}).");
        }
    }

    private void CheckOwned(Page page)
    {
        if (!ReferenceEquals(page.Owner, this))
        {
            throw new ArgumentException($"{page} does not belong to this page allocator.", nameof(page));
        }
    }
}
