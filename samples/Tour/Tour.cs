using GfpAnalyzers.Runtime;

namespace Tour;

/// <summary>
/// Every GFP rule, once. Each mistake is a step of the early-PFN tracker series (or a classic of allocator code), and
/// the comment at its end names the rule the build reports on that line. The fixed version is in the comment above.
/// </summary>
public sealed class Tour(PageAllocator allocator, Rcu rcu)
{
    // GFP001: direct reclaim may sleep, and an RCU read-side section must not sleep ("sleeping function called from
    // invalid context"). v2 of the series took this branch when the caller's flags allowed blocking.
    // Fix: a flag set without DirectReclaim, such as Gfp.Atomic.
    public Page? SleepsInRcuSection()
    {
        using (rcu.ReadLock())
        {
            return allocator.AllocPage(Gfp.Kernel); // GFP001 reported here: DirectReclaim
        }
    }

    // GFP002: inside the page allocator (an allocation hook) even waking kswapd can deadlock: it takes scheduler locks
    // that the interrupted allocation may hold. GFP_ATOMIC carries KswapdReclaim.
    // Fix: Gfp.High | Gfp.NoCodetag, as the series settled on.
    [AllocationHook]
    public void WakesKswapdFromHook(ulong pfn)
    {
        var page = allocator.AllocPage(Gfp.Atomic | Gfp.NoCodetag); // GFP002 reported here: KswapdReclaim
        Release(page);
    }

    // GFP003: the caller's flags, minus direct reclaim, still carry whatever else the caller passed: v3 to v5 of the
    // series. Fix: a constant, or mask out every bit the diagnostic names.
    [RcuReadLockHeld]
    public Page? InheritsCallerFlags(Gfp gfp)
        => allocator.AllocPage(gfp & ~Gfp.DirectReclaim); // GFP003 reported here: KswapdReclaim, NoFail, ThisNode

    // GFP004: a NoCodetag page has no tag reference; freeing it without clearing the reference warns
    // "alloc_tag was not set". The lost-cmpxchg path of the tracker must clear before it frees.
    // Fix: allocator.ClearPageTagRef(page) before allocator.FreePage(page).
    public void FreesWithoutClearing()
    {
        var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
        if (page is not null)
        {
            allocator.FreePage(page); // GFP004 reported here
        }
    }

    // GFP005: NoFail means "retry forever", which needs direct reclaim; without it the allocator cannot honour it.
    // Fix: drop NoFail and handle failure, or allow direct reclaim where sleeping is allowed.
    public Page? NoFailWithoutReclaim() => allocator.AllocPage(Gfp.Atomic | Gfp.NoFail); // GFP005 reported here: NoFail

    // GFP006: NoWait already contains NoWarn: the review's answer to the suggested "GFP_NOWAIT | __GFP_NOWARN".
    // Fix: Gfp.NoWait.
    public Page? RedundantFlag() => allocator.AllocPage(Gfp.NoWait | Gfp.NoWarn); // GFP006 reported here: NoWarn

    // GFP007: an allocation hook's own allocation is recorded by the hook again, which allocates again, forever.
    // Fix: add Gfp.NoCodetag (and clear the page's tag reference before freeing it).
    [AllocationHook]
    public Page? RecursesIntoHook() => allocator.AllocPage(Gfp.High); // GFP007 reported here

    // GFP008: an early return leaves the RCU read lock held: every later grace period waits forever.
    // Fix: release on every path, or use `using (rcu.ReadLock())`.
    public bool LeaksReadLock(RcuPointer<Page> current)
    {
        rcu.ReadLock();
        if (current.Dereference() is null)
        {
            return false; // GFP008 reported here
        }

        rcu.ReadUnlock();
        return true;
    }

    // GFP009: synchronize_rcu() waits for every reader, including the one calling it: it sleeps, and never returns.
    // No automatic fix: leave the section first (see docs/rules/GFP009.md).
    public void WaitsForItself()
    {
        using (rcu.ReadLock())
        {
            rcu.Synchronize(); // GFP009 reported here
        }
    }

    // GFP010: a public method that may sleep says so with [MightSleep] (the kernel's might_sleep()); without it,
    // callers in other assemblies cannot tell that a call in atomic context sleeps.
    // Fix: add [MightSleep].
    public void Quiesce() => rcu.Synchronize(); // GFP010 reported here

    private void Release(Page? page)
    {
        if (page is not null)
        {
            allocator.ClearPageTagRef(page);
            allocator.FreePage(page);
        }
    }
}
