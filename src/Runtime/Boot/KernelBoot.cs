namespace GfpAnalyzers.Runtime;

/// <summary>
/// A kernel that wires allocator, RCU, allocation profiling, the early-PFN tracker and one log together, and
/// boots: start_kernel → mm_core_init (mem_init starts tracking, kmem_cache_init, per-CPU set-up whose early
/// allocations grow with the CPU count, page_ext_init stops tracking) → the initcalls that run afterwards.
/// (Linux spreads the per-CPU set-up over start_kernel and smp_init and calls page_ext_init later, from
/// kernel_init_freeable; what matters here is that all of it happens between mem_init and page_ext_init.)
/// Not named <c>Kernel</c>: that is <see cref="Gfp.Kernel"/>, which code written in the kernel's style uses bare
/// under <c>using static GfpAnalyzers.Runtime.Gfp</c> (<c>AllocPage(Kernel)</c>) and which a type of the same name
/// would make ambiguous.
/// </summary>
public sealed class KernelBoot
{
    private readonly List<Page> _earlyAllocations = [];
    private int _booted;

    /// <summary>Creates the machine in its pre-boot state: profiling on, page_ext not yet initialised.</summary>
    public KernelBoot(BootOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Log = new KernelLog();
        Allocator = new PageAllocator(
            new AllocatorOptions
            {
                TotalPages = options.EffectiveMemoryMiB * 256,
                Nodes = options.Nodes,
                DmaEndPfn = 4096,
                Dma32EndPfn = 1L << 20,
                Profiling = new ProfilingOptions { PageExtInitialized = false },
            },
            Log);
        Tracker = EarlyPfnTracker.Create(options.Tracker, Allocator);
    }

    /// <summary>The machine.</summary>
    public BootOptions Options { get; }

    /// <summary>The kernel log (dmesg) every component reports to.</summary>
    public KernelLog Log { get; }

    /// <summary>The page allocator.</summary>
    public PageAllocator Allocator { get; }

    /// <summary>RCU (the allocator's handle).</summary>
    public Rcu Rcu => Allocator.Rcu;

    /// <summary>The early-PFN tracker mem_init installs.</summary>
    public EarlyPfnTracker Tracker { get; }

    /// <summary>The blocks the boot code allocated before page_ext_init.</summary>
    public IReadOnlyList<Page> EarlyAllocations
    {
        get
        {
            lock (_earlyAllocations)
            {
                return _earlyAllocations.ToArray();
            }
        }
    }

    /// <summary>Log messages printed during boot.</summary>
    public int BootMessages { get; private set; }

    /// <summary>start_kernel(): boots the machine once.</summary>
    /// <exception cref="InvalidOperationException">The kernel has already booted.</exception>
    public void StartKernel()
    {
        if (Interlocked.Exchange(ref _booted, 1) != 0)
        {
            throw new InvalidOperationException("The kernel has already booted.");
        }

        MmCoreInit();
        BootStages.DoInitcalls(this);
        BootMessages = Log.Messages.Count;
    }

    /// <summary>
    /// Frees every early allocation, as CPU hot-unplug and the freeing of boot-time slabs eventually do.
    /// Returns how many of those frees hit "alloc_tag was not set".
    /// </summary>
    public long FreeEarlyAllocations()
    {
        var before = Allocator.Profiling.TagNotSetCount;
        Page[] pages;
        lock (_earlyAllocations)
        {
            pages = [.. _earlyAllocations];
            _earlyAllocations.Clear();
        }

        foreach (var page in pages)
        {
            Allocator.FreePages(page, page.Order);
        }

        return Allocator.Profiling.TagNotSetCount - before;
    }

    /// <summary>Allocates during early boot and remembers the block; a failure is a boot failure, counted by the allocator.</summary>
    internal void EarlyAlloc(int node, Gfp gfp, int order, string file, int line, string function)
    {
        var page = Allocator.AllocPagesNode(node, gfp, order, file, line, function);
        if (page is not null)
        {
            lock (_earlyAllocations)
            {
                _earlyAllocations.Add(page);
            }
        }
    }

    /// <summary>mm_core_init() as far as the early-PFN story goes.</summary>
    private void MmCoreInit()
    {
        Tracker.Start(); // mem_init(): the buddy allocator is up; nothing has page_ext yet
        BootStages.KmemCacheInit(this);
        BootStages.SetupPerCpu(this);
        Allocator.Profiling.InitPageExt(); // page_ext_init()
        Tracker.Stop();
    }
}
