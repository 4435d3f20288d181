namespace GfpAnalyzers.Benchmarks.Corpus;

/// <summary>
/// Allocator-style code against the runtime model, in the forms the rules look at: RCU sections as <c>using</c>
/// blocks, <c>using var</c>, lock/unlock pairs with try/finally and early exits, <c>[RcuReadLockHeld]</c> helpers,
/// flag arithmetic, flags passed through helpers, NoCodetag pool pages, allocation hooks, grace periods.
/// The code is correct: the rules should stay silent on it (what a user's clean build costs).
/// </summary>
internal static class AllocatorTemplates
{
    private static readonly string[] Constants = ["Gfp.Kernel", "Gfp.NoWait", "Gfp.Atomic", "Gfp.NoIo", "Gfp.NoFs", "Gfp.User"];
    // What may be allocated under an RCU read lock: no direct reclaim, and no kswapd wake-up either (GFP002).
    private static readonly string[] AtomicConstants = ["Gfp.High", "Gfp.High | Gfp.NoWarn", "Gfp.High | Gfp.Zero", "Gfp.NoWarn | Gfp.Zero"];

    private static readonly Func<int, Random, string>[] Methods =
    [
        UsingBlockSection, UsingVarSection, TryFinallySection, EarlyExitSection, FlagArithmetic, FlagsThroughHelpers,
        NoCodetagScratchPage, AllocationHook, ReadLockHeldHelper, GracePeriod, BatchBySwitch, PointerSwap,
    ];

    public static string File(int index, int budget, Random random)
    {
        var writer = new FileWriter(budget);
        writer.Add($$"""
            using GfpAnalyzers.Runtime;

            namespace Generated.Mm{{index:D4}};

            /// <summary>Generated allocator-style code (benchmark corpus).</summary>
            public sealed class PagePool{{index}}(PageAllocator allocator, Rcu rcu)
            {
                private readonly RcuPointer<Page> _current = new(rcu);
                private long _count;

                public long Count => Interlocked.Read(ref _count);

            """);
        for (var method = 0; !writer.Full; method++)
        {
            writer.Add(Methods[random.Next(Methods.Length)](method, random));
        }

        writer.Add("}");
        return writer.ToString();
    }

    private static string UsingBlockSection(int i, Random r) => $$"""
            public Page? TakeAtomic{{i}}(int order)
            {
                using (rcu.ReadLock())
                {
                    var current = _current.Dereference();
                    if (current is not null && current.Pfn % {{r.Next(2, 64)}} == 0)
                    {
                        _count++;
                    }

                    return allocator.AllocPages({{AtomicConstants[r.Next(AtomicConstants.Length)]}}, order & 1);
                }
            }

        """;

    private static string UsingVarSection(int i, Random r) => $$"""
            public long Peek{{i}}()
            {
                using var guard = rcu.ReadLock();
                var page = _current.Dereference();
                if (page is null)
                {
                    return -{{r.Next(1, 9)}};
                }

                return (long)page.Pfn + {{r.Next(1, 1000)}};
            }

        """;

    private static string TryFinallySection(int i, Random r) => $$"""
            public bool IsCurrent{{i}}(Page page)
            {
                rcu.ReadLock();
                try
                {
                    if (_current.Dereference() is { } old && old.Pfn == page.Pfn)
                    {
                        return true;
                    }

                    _count += {{r.Next(1, 50)}};
                    return false;
                }
                finally
                {
                    rcu.ReadUnlock();
                }
            }

        """;

    private static string EarlyExitSection(int i, Random r) => $$"""
            public int Scan{{i}}(int limit)
            {
                rcu.ReadLock();
                var page = _current.Dereference();
                if (page is null)
                {
                    rcu.ReadUnlock();
                    return -1;
                }

                var total = 0;
                for (var j = 0; j < limit; j++)
                {
                    total += (int)(page.Pfn % {{r.Next(3, 97)}}) + j;
                }

                rcu.ReadUnlock();
                return total;
            }

        """;

    private static string FlagArithmetic(int i, Random r) => $$"""
            public Page? Refill{{i}}(bool zero, bool mayFail, bool noIo)
            {
                var flags = {{Constants[r.Next(3) == 0 ? 3 : 0]}};
                if (zero)
                {
                    flags |= Gfp.Zero;
                }

                if (mayFail)
                {
                    flags = (flags | Gfp.RetryMayFail) & ~Gfp.NoFail;
                }

                if (noIo)
                {
                    flags &= ~(Gfp.Io | Gfp.Fs);
                }

                return allocator.AllocPages(flags, {{r.Next(0, 3)}});
            }

        """;

    private static string FlagsThroughHelpers(int i, Random r) => $$"""
            public Page? Grow{{i}}(Gfp gfp) => GrowInner{{i}}(gfp | Gfp.NoWarn, {{r.Next(0, 3)}});

            private Page? GrowInner{{i}}(Gfp gfp, int order)
            {
                if (order > {{r.Next(2, 5)}})
                {
                    return null;
                }

                return allocator.AllocPages(gfp & ~Gfp.Zero, order);
            }

            public Page? GrowAtomic{{i}}()
            {
                using (rcu.ReadLock())
                {
                    return Grow{{i}}({{AtomicConstants[r.Next(AtomicConstants.Length)]}});
                }
            }

        """;

    private static string NoCodetagScratchPage(int i, Random r) => $$"""
            public ulong Scratch{{i}}(ulong seed)
            {
                var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                if (page is null)
                {
                    return 0;
                }

                var memory = page.Memory;
                memory[{{r.Next(0, 4096)}}] = (byte)seed;
                var result = seed ^ memory[0];
                allocator.ClearPageTagRef(page);
                allocator.FreePage(page);
                return result;
            }

        """;

    private static string AllocationHook(int i, Random r) => $$"""
            [AllocationHook]
            private void Record{{i}}(ulong pfn, Gfp gfp)
            {
                if ((gfp & Gfp.Zero) != 0 && pfn % {{r.Next(2, 16)}} == 0)
                {
                    return;
                }

                var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                if (page is null)
                {
                    return;
                }

                page.Memory[0] = (byte)pfn;
                allocator.ClearPageTagRef(page);
                allocator.FreePage(page);
            }

            public void Install{{i}}() => allocator.SetEarlyAllocHook(Record{{i}});

        """;

    private static string ReadLockHeldHelper(int i, Random r) => $$"""
            [RcuReadLockHeld]
            private Page? UnderLock{{i}}(Gfp gfp) => allocator.AllocPage(gfp & (Gfp.Zero | Gfp.NoWarn | Gfp.High));

            public Page? Locked{{i}}(Gfp gfp)
            {
                using (rcu.ReadLock())
                {
                    var page = UnderLock{{i}}(gfp);
                    if (page is not null)
                    {
                        _count += {{r.Next(1, 9)}};
                    }

                    return page;
                }
            }

        """;

    private static string GracePeriod(int i, Random r) => $$"""
            [MightSleep]
            public void Retire{{i}}()
            {
                var old = _current.Access();
                _current.Assign(null);
                rcu.Synchronize();
                if (old is not null)
                {
                    _count -= {{r.Next(1, 5)}};
                }

                var pages = allocator.AllocPages(Gfp.Kernel, 1);
                if (pages is not null)
                {
                    allocator.FreePages(pages, 1);
                }
            }

        """;

    private static string BatchBySwitch(int i, Random r) => $$"""
            public int Batch{{i}}(int n, int kind)
            {
                var gfp = kind switch
                {
                    0 => Gfp.Kernel,
                    1 => Gfp.NoWait,
                    2 => Gfp.Atomic,
                    _ => Gfp.Kernel | Gfp.Zero,
                };
                var got = 0;
                for (var j = 0; j < n && j < {{r.Next(8, 64)}}; j++)
                {
                    var page = allocator.AllocPage(gfp);
                    if (page is null)
                    {
                        break;
                    }

                    got++;
                    allocator.FreePage(page);
                }

                return got;
            }

        """;

    private static string PointerSwap(int i, Random r) => $$"""
            public Page? Swap{{i}}(Page? next)
            {
                Page? old;
                using (rcu.ReadLock())
                {
                    old = _current.Dereference();
                    if (old is not null && next is not null && old.Pfn == next.Pfn + {{r.Next(1, 8)}})
                    {
                        return null;
                    }
                }

                _current.Assign(next);
                return old;
            }

        """;
}
