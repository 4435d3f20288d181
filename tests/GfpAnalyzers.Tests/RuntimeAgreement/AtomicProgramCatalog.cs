namespace GfpAnalyzers.Tests.RuntimeAgreement;

/// <summary>
/// Programs for every atomic context the runtime models, each with the bug a kernel tree would have there (or the
/// idiom that avoids it). GFP001/GFP003/GFP009 mark sleeping; the runtime says "BUG: sleeping function called from
/// invalid context" (or, for synchronize_rcu() in its own section, "suspicious RCU usage") when the path runs.
/// </summary>
public static class AtomicProgramCatalog
{
    public static IReadOnlyList<AtomicProgram> All { get; } =
    [
        new("SpinLockGuardKernel", ["GFP001"], """
            public static class Program
            {
                public static void Run(PageAllocator allocator)
                {
                    var rxLock = new KSpinLock("rx", allocator.Log);
                    using (rxLock.Lock())
                    {
                        var page = allocator.AllocPage(Gfp.Kernel);
                        if (page is not null) allocator.FreePage(page);
                    }
                }
            }
            """),
        new("IrqSaveOnOnePath", ["GFP001"], """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool refill)
                {
                    var ring = new KSpinLock("ring", allocator.Log);
                    Page? page = null;
                    var flags = ring.LockIrqSave();
                    if (refill)
                    {
                        page = allocator.AllocPage(Gfp.Kernel | Gfp.Zero);
                    }
                    ring.UnlockIrqRestore(flags);
                    if (page is not null) allocator.FreePage(page);
                }
            }
            """),
        new("RcuSectionChosenFlags", ["GFP001"], """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool blocking)
                {
                    Page? page;
                    using (allocator.Rcu.ReadLock())
                    {
                        page = allocator.AllocPage(blocking ? Gfp.Kernel : Gfp.Atomic);
                    }
                    if (page is not null) allocator.FreePage(page);
                }
            }
            """),
        new("PreemptDisabledNoIo", ["GFP001"], """
            public static class Program
            {
                public static void Run(PageAllocator allocator)
                {
                    Preempt.Disable();
                    var page = allocator.AllocPages(Gfp.NoIo, 1);
                    Preempt.Enable();
                    if (page is not null) allocator.FreePages(page, 1);
                }
            }
            """),
        new("IrqsSavedAccountedAllocation", ["GFP001"], """
            public static class Program
            {
                public static void Run(PageAllocator allocator)
                {
                    var flags = LocalIrq.Save();
                    var page = allocator.AllocPage(Gfp.KernelAccount);
                    LocalIrq.Restore(flags);
                    if (page is not null) allocator.FreePage(page);
                }
            }
            """),
        new("BottomHalvesOffInLoop", ["GFP001"], """
            public static class Program
            {
                public static void Run(PageAllocator allocator, int count)
                {
                    LocalBh.Disable();
                    for (var i = 0; i < count; i++)
                    {
                        var page = allocator.AllocPage(Gfp.User);
                        if (page is not null) allocator.FreePage(page);
                    }
                    LocalBh.Enable();
                }
            }
            """),
        new("RwLockWriteSideInherited", ["GFP003"], """
            public static class Program
            {
                private static Page? Grow(PageAllocator allocator, KRwLock tableLock, Gfp gfp)
                {
                    using (tableLock.WriteLock())
                    {
                        return allocator.AllocPage(gfp);
                    }
                }

                public static void Run(PageAllocator allocator, bool fromProcessContext)
                {
                    var tableLock = new KRwLock("table", allocator.Log);
                    var page = Grow(allocator, tableLock, fromProcessContext ? Gfp.Kernel : Gfp.Atomic);
                    if (page is not null) allocator.FreePage(page);
                }
            }
            """),
        new("HelperGivenSleepingFlags", ["GFP009"], """
            public static class Program
            {
                private static Page? AllocBuffer(PageAllocator allocator, Gfp gfp) => allocator.AllocPage(gfp | Gfp.NoWarn);

                public static void Run(PageAllocator allocator, bool busy)
                {
                    var statsLock = new KSpinLock("stats", allocator.Log);
                    Page? page = null;
                    statsLock.Lock();
                    if (busy)
                    {
                        page = AllocBuffer(allocator, Gfp.Kernel);
                    }
                    statsLock.Unlock();
                    if (page is not null) allocator.FreePage(page);
                }
            }
            """),
        new("HelperThatAlwaysSleeps", ["GFP009"], """
            public static class Program
            {
                private static Page? Refill(PageAllocator allocator) => allocator.AllocPage(Gfp.Kernel);

                public static void Run(PageAllocator allocator)
                {
                    var raw = new KRawSpinLock("raw", allocator.Log);
                    Page? page;
                    using (raw.LockIrq())
                    {
                        page = Refill(allocator);
                    }
                    if (page is not null) allocator.FreePage(page);
                }
            }
            """),
        new("MutexUnderSpinLock", ["GFP009"], """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool reconfigure)
                {
                    var stats = new KSpinLock("stats", allocator.Log);
                    var config = new KMutex("config", allocator.Log);
                    using (stats.LockBh())
                    {
                        if (reconfigure)
                        {
                            config.Lock();
                            config.Unlock();
                        }
                    }
                }
            }
            """),
        new("SemaphoreWithIrqsOff", ["GFP009"], """
            public static class Program
            {
                public static void Run(PageAllocator allocator)
                {
                    var slots = new KSemaphore(1, "slots", allocator.Log);
                    LocalIrq.Disable();
                    slots.Down();
                    slots.Up();
                    LocalIrq.Enable();
                }
            }
            """),
        new("SynchronizeInItsOwnSection", ["GFP009"], """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool retire)
                {
                    allocator.Rcu.ReadLock();
                    if (retire)
                    {
                        allocator.Rcu.Synchronize();
                    }
                    allocator.Rcu.ReadUnlock();
                }
            }
            """),
        new("HardirqHandler", ["GFP001"], """
            public static class Program
            {
                [RunsInAtomicContext]
                private static void OnInterrupt(PageAllocator allocator)
                {
                    var page = allocator.AllocPage(Gfp.NoFs);
                    if (page is not null) allocator.FreePage(page);
                }

                public static void Run(PageAllocator allocator)
                    => Interrupts.RunHardirq(() => OnInterrupt(allocator), allocator.Log);
            }
            """),
        new("RunqueueLockHeld", ["GFP001"], """
            public static class Program
            {
                public static void Run(PageAllocator allocator)
                {
                    Scheduler.LockRunqueue();
                    var page = allocator.AllocPage(Gfp.Kernel);
                    Scheduler.UnlockRunqueue();
                    if (page is not null) allocator.FreePage(page);
                }
            }
            """),
        new("UnlockAllocateRelock", [], """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool grow)
                {
                    var ring = new KSpinLock("ring", allocator.Log);
                    Page? spare = null;
                    ring.Lock();
                    if (grow)
                    {
                        ring.Unlock();
                        spare = allocator.AllocPage(Gfp.Kernel);
                        ring.Lock();
                    }
                    ring.Unlock();
                    if (spare is not null) allocator.FreePage(spare);
                }
            }
            """),
        new("TryLockFallsBackToSleeping", [], """
            public static class Program
            {
                public static void Run(PageAllocator allocator)
                {
                    var ring = new KSpinLock("ring", allocator.Log);
                    Page? page;
                    if (ring.TryLock())
                    {
                        page = allocator.AllocPage(Gfp.Atomic);
                        ring.Unlock();
                    }
                    else
                    {
                        page = allocator.AllocPage(Gfp.Kernel);
                    }
                    if (page is not null) allocator.FreePage(page);
                }
            }
            """),
        new("AtomicUnderSpinLockAndRcu", [], """
            public static class Program
            {
                public static void Run(PageAllocator allocator, int count)
                {
                    var ring = new KSpinLock("ring", allocator.Log);
                    using (allocator.Rcu.ReadLock())
                    {
                        var flags = ring.LockIrqSave();
                        for (var i = 0; i < count; i++)
                        {
                            var page = allocator.AllocPage(Gfp.Atomic | Gfp.Zero);
                            if (page is not null) allocator.FreePage(page);
                        }
                        ring.UnlockIrqRestore(flags);
                    }
                }
            }
            """),
    ];

    public static AtomicProgram Named(string name) => All.Single(p => p.Name == name);

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var program in All)
        {
            names.Add(program.Name);
        }

        return names;
    }
}
