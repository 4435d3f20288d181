namespace GfpAnalyzers.Runtime;

/// <summary>
/// The old early-PFN tracker: a static array of <see cref="Capacity"/> PFNs. Once it is full, further early
/// allocations are not recorded (warned once), and those pages warn "alloc_tag was not set" when freed.
/// The number of early allocations grows with the CPU count, so large machines overflow it.
/// </summary>
public sealed class FixedEarlyPfnTracker : EarlyPfnTracker
{
    /// <summary>EARLY_ALLOC_PFN_MAX.</summary>
    public const int Capacity = 8192;

    private readonly ulong[] _pfns = new ulong[Capacity];
    private int _claimed;
    private long _dropped;

    /// <summary>Creates the tracker; <see cref="EarlyPfnTracker.Start"/> installs it.</summary>
    public FixedEarlyPfnTracker(PageAllocator allocator) : base(allocator) { }

    /// <inheritdoc/>
    public override EarlyPfnTrackerDesign Design => EarlyPfnTrackerDesign.FixedArray;

    /// <inheritdoc/>
    private protected override long CurrentTrackedCount => Math.Min(Volatile.Read(ref _claimed), Capacity);

    /// <inheritdoc/>
    public override long DroppedCount => Interlocked.Read(ref _dropped);

    /// <inheritdoc/>
    public override long PoolPagesUsed => 0;

    /// <inheritdoc/>
    public override IReadOnlyList<ulong> TrackedPfns() => _pfns.AsSpan(0, (int)CurrentTrackedCount).ToArray();

    private protected override EarlyAllocHook Hook => RecordEarlyPfn;

    private protected override void ReleaseStorage()
    {
        // The array is static kernel data: nothing to free.
    }

    /// <summary>alloc_tag_add_early_pfn(): claims a slot; an overflow is dropped with a one-time warning.</summary>
    [AllocationHook]
    private void RecordEarlyPfn(ulong pfn, Gfp gfp)
    {
        var slot = Interlocked.Increment(ref _claimed) - 1;
        if (slot >= Capacity)
        {
            Interlocked.Increment(ref _dropped);
            Allocator.Log.WarnOnce(
                "early-pfn-array-full",
                $"WARNING: Early page allocations before page_ext init exceeded EARLY_ALLOC_PFN_MAX ({Capacity})");
            return;
        }

        Volatile.Write(ref _pfns[slot], pfn);
    }
}
