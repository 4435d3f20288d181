namespace GfpAnalyzers.Runtime;

/// <summary>
/// Records the PFNs of pages allocated before page_ext exists (they get no codetag), so that page-ext init
/// can mark their references CODETAG_EMPTY and their later free does not warn "alloc_tag was not set".
/// <see cref="Start"/> installs the recording hook (mem_init); <see cref="Stop"/> retires it (page_ext_init).
/// </summary>
public abstract class EarlyPfnTracker
{
    private int _state;
    private long _trackedAtStop;

    /// <summary>Creates a tracker for <paramref name="allocator"/>'s early allocations.</summary>
    protected EarlyPfnTracker(PageAllocator allocator)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        Allocator = allocator;
    }

    /// <summary>Creates a tracker of the given design.</summary>
    public static EarlyPfnTracker Create(EarlyPfnTrackerDesign design, PageAllocator allocator)
        => design switch
        {
            EarlyPfnTrackerDesign.FixedArray => new FixedEarlyPfnTracker(allocator),
            EarlyPfnTrackerDesign.PfnPoolList => new DynamicEarlyPfnTracker(allocator),
            _ => throw new ArgumentOutOfRangeException(nameof(design), design, "Unknown tracker design."),
        };

    /// <summary>The allocator whose early allocations are tracked.</summary>
    public PageAllocator Allocator { get; }

    /// <summary>Which design this is.</summary>
    public abstract EarlyPfnTrackerDesign Design { get; }

    /// <summary>PFNs recorded (after <see cref="Stop"/>: how many were recorded when it stopped).</summary>
    public long TrackedCount => Volatile.Read(ref _state) == 2 ? _trackedAtStop : CurrentTrackedCount;

    /// <summary>Early allocations that could not be recorded (their pages will warn when freed).</summary>
    public abstract long DroppedCount { get; }

    /// <summary>Pages the tracker took from the allocator to store PFNs (0 for the static array).</summary>
    public abstract long PoolPagesUsed { get; }

    /// <summary>References that page-ext init marked CODETAG_EMPTY (pages re-tagged meanwhile are kept).</summary>
    public long ClearedTagRefs { get; private set; }

    /// <summary>The recorded PFNs, in no particular order.</summary>
    public abstract IReadOnlyList<ulong> TrackedPfns();

    /// <summary>mem_init(): installs the recording hook.</summary>
    /// <exception cref="InvalidOperationException">The tracker was already started.</exception>
    public void Start()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The early-PFN tracker was already started.");
        }

        Allocator.SetEarlyAllocHook(Hook);
    }

    /// <summary>
    /// page_ext_init(): clears the hook pointer, waits a grace period so no hook is still running, marks every
    /// tracked page's reference CODETAG_EMPTY unless it was set meanwhile, and releases the tracker's storage.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tracker is not running, or pages have no tag references yet.</exception>
    public void Stop()
    {
        if (!Allocator.Profiling.HasTagRefs)
        {
            throw new InvalidOperationException("page_ext must be initialised before the early-PFN tracker stops.");
        }

        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            throw new InvalidOperationException("The early-PFN tracker is not running.");
        }

        Allocator.SetEarlyAllocHook(null);
        Allocator.Rcu.Synchronize();
        var pfns = TrackedPfns();
        _trackedAtStop = pfns.Count;
        foreach (var pfn in pfns)
        {
            if (Allocator.PfnValid(pfn) && Allocator.ClearPageTagRefIfNotSet(Allocator.PfnToPage(pfn)))
            {
                ClearedTagRefs++;
            }
        }

        ReleaseStorage();
    }

    /// <summary>PFNs in the tracker's storage right now.</summary>
    private protected abstract long CurrentTrackedCount { get; }

    /// <summary>The recording hook, called by the allocator under <c>rcu_read_lock()</c>.</summary>
    private protected abstract EarlyAllocHook Hook { get; }

    /// <summary>The recording hook itself, for the benchmarks that time one recorded PFN without an allocation around it.</summary>
    internal EarlyAllocHook RecordingHook => Hook;

    /// <summary>Gives the tracker's storage back once nothing records any more.</summary>
    private protected abstract void ReleaseStorage();
}
