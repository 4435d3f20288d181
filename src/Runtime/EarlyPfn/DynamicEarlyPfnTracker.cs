using System.Runtime.CompilerServices;

namespace GfpAnalyzers.Runtime;

/// <summary>
/// The new early-PFN tracker (v6 of the series): a linked list of <see cref="PfnPool"/> pages grown on demand.
/// A new pool page comes from <c>alloc_page(__GFP_HIGH | __GFP_NO_CODETAG)</c>: it may not sleep or wake
/// kswapd (the hook runs inside the allocator, under RCU), may use reserves, inherits nothing from the caller,
/// and is not itself recorded. It is published with compare-and-swap; the loser of a race clears its page's
/// tag reference and frees it.
/// </summary>
public sealed class DynamicEarlyPfnTracker : EarlyPfnTracker
{
    /// <summary>The newest pool; older ones follow through <see cref="PfnPool.NextAddress"/>.</summary>
    [NoCodetagPages]
    private Page? _head;

    private long _poolPages;
    private long _lostRaces;
    private long _dropped;

    /// <summary>Creates the tracker; <see cref="EarlyPfnTracker.Start"/> installs it.</summary>
    public DynamicEarlyPfnTracker(PageAllocator allocator) : base(allocator) { }

    /// <inheritdoc/>
    public override EarlyPfnTrackerDesign Design => EarlyPfnTrackerDesign.PfnPoolList;

    /// <inheritdoc/>
    private protected override long CurrentTrackedCount => Pools().Sum(p => (long)p.Count);

    /// <inheritdoc/>
    public override long DroppedCount => Interlocked.Read(ref _dropped);

    /// <inheritdoc/>
    public override long PoolPagesUsed => Interlocked.Read(ref _poolPages);

    /// <summary>Pool pages that lost the publishing race and were freed again.</summary>
    public long LostRaces => Interlocked.Read(ref _lostRaces);

    /// <summary>Runs between allocating a pool page and publishing it; lets tests line up a race. Null in normal use.</summary>
    internal Action? BeforePublish { get; set; }

    /// <summary>The pools, newest first.</summary>
    public IReadOnlyList<PfnPool> Pools()
    {
        var pools = new List<PfnPool>();
        for (var pool = Volatile.Read(ref _head); pool is not null; pool = NextPool(pool.Memory))
        {
            pools.Add(new PfnPool(pool));
        }

        return pools;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<ulong> TrackedPfns()
        => Pools().SelectMany(p => Enumerable.Range(0, p.Count).Select(i => p[i])).ToArray();

    private protected override EarlyAllocHook Hook => RecordEarlyPfn;

    /// <summary>Frees every pool page, clearing its tag reference first (it was allocated with NoCodetag).</summary>
    private protected override void ReleaseStorage()
    {
        // The hook is retired and a grace period has passed: nothing writes _head any more, so plain accesses do.
        var pool = _head;
        _head = null;
        while (pool is not null)
        {
            var next = NextPool(pool.Memory);
            Allocator.ClearPageTagRef(pool);
            Allocator.FreePage(pool);
            pool = next;
        }
    }

    /// <summary>alloc_tag_add_early_pfn(): records <paramref name="pfn"/>, growing the list when the head pool is full.</summary>
    /// <remarks>
    /// The common case is as short as the fixed array's: one read of the head, one atomic increment, one store. It has
    /// no loop, so the JIT compiles it like any small method and inlines the slot claim (a method with a loop starts
    /// in unoptimised code with on-stack replacement); growing is apart, in <see cref="RecordGrowing"/>.
    /// </remarks>
    [AllocationHook]
    private void RecordEarlyPfn(ulong pfn, Gfp gfp)
    {
        var head = Volatile.Read(ref _head);
        if (head is null || !PfnPool.TryAdd(head.Backing, pfn))
        {
            RecordGrowing(pfn);
        }
    }

    /// <summary>The head pool is full (or there is none): publishes a new pool page, then records into the head.</summary>
    /// <remarks>Part of the hook (it runs inside the allocator, under RCU), hence <see cref="AllocationHookAttribute"/>.</remarks>
    [AllocationHook]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordGrowing(ulong pfn)
    {
        while (true)
        {
            var head = Volatile.Read(ref _head);
            if (head is not null && PfnPool.TryAdd(head.Backing, pfn))
            {
                return;
            }

            // A constant mask: nothing of the caller's gfp (which may sleep, wake kswapd, insist or pin a node) leaks in.
            var page = Allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
            if (page is null)
            {
                Interlocked.Increment(ref _dropped);
                Allocator.Log.WarnOnce("early-pfn-pool-alloc", "WARNING: alloc_tag: failed to allocate a pfn_pool page; early allocations go untracked");
                return;
            }

            PfnPool.Init(page.Memory, head is null ? 0 : Allocator.PageAddress(head));
            BeforePublish?.Invoke();
            if (ReferenceEquals(Interlocked.CompareExchange(ref _head, page, head), head))
            {
                Interlocked.Increment(ref _poolPages);
                continue;
            }

            // Another CPU published a pool first: give this page back, clearing the tag it never got.
            Interlocked.Increment(ref _lostRaces);
            Allocator.ClearPageTagRef(page);
            Allocator.FreePage(page);
        }
    }

    /// <summary>The pool after the one whose memory is <paramref name="poolMemory"/>, decoded from its <c>next</c> field.</summary>
    /// <remarks>It takes the bytes, not the page, so that a caller's pool page does not look handed over (GFP004 keeps checking it).</remarks>
    [return: NoCodetagPages]
    private Page? NextPool(ReadOnlySpan<byte> poolMemory)
    {
        var next = PfnPool.ReadNextAddress(poolMemory);
        return next == 0 ? null : Allocator.VirtToPage(next);
    }
}
