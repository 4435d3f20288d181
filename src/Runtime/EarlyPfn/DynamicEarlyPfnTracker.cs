using System.Runtime.CompilerServices;

namespace GfpAnalyzers.Runtime;

/// <summary>
/// The new early-PFN tracker (v6 of the series): a linked list of <see cref="PfnPool"/> pages grown on demand.
/// A new pool page comes from <c>alloc_page(__GFP_HIGH | __GFP_NO_CODETAG)</c>: it may not sleep or wake
/// kswapd (the hook runs inside the allocator, under RCU), may use reserves, inherits nothing from the caller,
/// and is not itself recorded. It is published with compare-and-swap; the loser of a race clears its page's
/// tag reference and frees it.
/// </summary>
/// <remarks>
/// Two things keep the hook as short as the fixed array's: the head pool's bytes are cached next to the head, so a
/// PFN is one read, one atomic increment and one store; and the next pool page is allocated when the head pool is
/// half full (by the one PFN that takes the middle slot), so the PFN that fills a pool publishes a page in hand
/// instead of waiting for the allocator, and writers that fill a pool together do not all allocate a page of
/// which all but one are freed again.
/// </remarks>
public sealed class DynamicEarlyPfnTracker : EarlyPfnTracker
{
    /// <summary>The slot whose PFN allocates the next pool page ahead.</summary>
    internal const int PreallocateSlot = PfnPool.Capacity / 2;

    /// <summary>The newest pool; older ones follow through <see cref="PfnPool.NextAddress"/>.</summary>
    [NoCodetagPages]
    private Page? _head;

    /// <summary>
    /// The head pool's bytes, for the hook's common case. Written after <see cref="_head"/> changes, so it may lag
    /// behind: a stale value is a full pool, and a PFN that finds it full takes the slow path, which reads the head.
    /// </summary>
    private byte[]? _headMemory;

    /// <summary>The next pool page, allocated ahead and not yet published (at most one).</summary>
    [NoCodetagPages]
    private Page? _spare;

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
    /// <remarks>The pages in the list; a page allocated ahead counts once it is published.</remarks>
    public override long PoolPagesUsed => Interlocked.Read(ref _poolPages);

    /// <summary>Whether a pool page allocated ahead waits to be published.</summary>
    public bool HasSparePage => Volatile.Read(ref _spare) is not null;

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

    /// <summary>Frees every pool page and the spare, clearing each one's tag reference first (they were allocated with NoCodetag).</summary>
    private protected override void ReleaseStorage()
    {
        // The hook is retired and a grace period has passed: nothing writes these fields any more, so plain accesses do.
        _headMemory = null;
        var unused = _spare;
        _spare = null;
        if (unused is not null)
        {
            Allocator.ClearPageTagRef(unused);
            Allocator.FreePage(unused);
        }

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

    /// <summary>alloc_tag_add_early_pfn(): records <paramref name="pfn"/> in the head pool, growing the list when it is full.</summary>
    /// <remarks>
    /// The common case is the fixed array's: one read, one atomic increment, one store. It has no loop, so the JIT
    /// compiles it like any small method (a method with a loop starts in unoptimised code with on-stack
    /// replacement); allocating ahead and growing are apart, in <see cref="AllocateSpare"/> and <see cref="RecordGrowing"/>.
    /// Its shape is for the JIT: every way out is a return or a tail call, so the common case saves no register.
    /// </remarks>
    [AllocationHook]
    private void RecordEarlyPfn(ulong pfn, Gfp gfp)
    {
        // Only ever a pool page's own bytes (a whole page), so the unchecked slot claim is safe.
        var memory = Volatile.Read(ref _headMemory);
        if (memory is not null)
        {
            var slot = PfnPool.AddToPage(memory, pfn);
            if (slot >= 0)
            {
                if (slot == PreallocateSlot)
                {
                    AllocateSpare();
                }

                return;
            }
        }

        RecordGrowing(pfn);
    }

    /// <summary>The head pool is half full: allocates the next pool page, to be published when the head is full.</summary>
    /// <remarks>
    /// A failure here is not reported: the PFN that fills the pool tries again, and drops and warns if it cannot.
    /// The spare keeps its bytes from the start: the model creates a page's memory on first touch, and this way
    /// that happens here rather than on the PFN that fills the pool.
    /// </remarks>
    [AllocationHook]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AllocateSpare()
    {
        if (Volatile.Read(ref _spare) is not null)
        {
            return;
        }

        // The pool pages' constant mask (nothing of the caller's gfp leaks in), plus NoWarn: this allocation is ahead of
        // need, and its failure is not one (the PFN that fills the pool allocates again, and reports a failure then).
        var spare = Allocator.AllocPage(Gfp.High | Gfp.NoCodetag | Gfp.NoWarn);
        if (spare is null)
        {
            return;
        }

        PfnPool.Init(spare.Memory, 0);
        if (Interlocked.CompareExchange(ref _spare, spare, null) is null)
        {
            return;
        }

        // A spare appeared meanwhile (the previous pool's, not yet used): keep that one.
        Allocator.ClearPageTagRef(spare);
        Allocator.FreePage(spare);
    }

    /// <summary>The head pool is full (or there is none): publishes the spare or a new pool page, then records into the head.</summary>
    /// <remarks>Part of the hook (it runs inside the allocator, under RCU), hence <see cref="AllocationHookAttribute"/>.</remarks>
    [AllocationHook]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordGrowing(ulong pfn)
    {
        while (true)
        {
            var head = Volatile.Read(ref _head);
            if (head is not null)
            {
                var memory = head.Backing;
                var slot = PfnPool.AddToPage(memory, pfn);
                if (slot >= 0)
                {
                    // The cache lagged behind the head (or the head was just published by another writer).
                    Volatile.Write(ref _headMemory, memory);
                    if (slot == PreallocateSlot)
                    {
                        AllocateSpare();
                    }

                    return;
                }
            }

            // The spare if there is one (only one writer gets it), else a page now; a constant mask, as above.
            var page = Interlocked.Exchange(ref _spare, null) ?? Allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
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
                Volatile.Write(ref _headMemory, page.Backing);
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
