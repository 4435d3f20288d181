namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// Every GFP004 test program, positive and negative, by name. The analyzer tests check the diagnostics;
/// the runtime-agreement test runs each program on every input and checks the runtime agrees.
/// </summary>
public static class GFP004CaseCatalog
{
    private const string Alloc = "allocated with NoCodetag at line {line:A}";

    /// <summary>A list of pool pages built by Run; each case adds the FreeAll that releases it and closes Program.</summary>
    private const string NodeList = """
            sealed class Node
            {
                public Node(Page page, Node? next) { Page = page; Next = next; }
                [NoCodetagPages] public Page Page { get; }
                public Node? Next { get; }
            }

            public static class Program
            {
                public static void Run(PageAllocator allocator, int count)
                {
                    Node? head = null;
                    for (var i = 0; i < count; i++)
                    {
                        var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                        if (page == null) break;
                        head = new Node(page, head);
                    }

                    FreeAll(allocator, head);
                }
            """;

    /// <summary>Programs whose obligation stays in one method (helpers of one call level aside).</summary>
    private static readonly GFP004Case[] OneMethod =
    [
        // ---------------------------------------------------------------- the early-PFN tracker's own shapes
        new("Lost cmpxchg frees without clearing", """
            sealed class Slot { public Page? Head; }

            public static class Program
            {
                public static void Run(PageAllocator allocator, bool occupied)
                {
                    var slot = new Slot();
                    if (occupied) slot.Head = allocator.AllocPage(Gfp.Kernel);
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page == null) return;
                    if (Interlocked.CompareExchange(ref slot.Head, page, null) != null)
                    {
                        {|#0:allocator.FreePage(page)|};
                    }
                }
            }
            """, new GFP004Expected("page", Alloc, "FreePage", "when the compare-and-swap fails")),

        new("Lost cmpxchg clears then frees", """
            sealed class Slot { public Page? Head; }

            public static class Program
            {
                public static void Run(PageAllocator allocator, bool occupied)
                {
                    var slot = new Slot();
                    if (occupied) slot.Head = allocator.AllocPage(Gfp.Kernel);
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    if (Interlocked.CompareExchange(ref slot.Head, page, null) != null)
                    {
                        allocator.ClearPageTagRef(page);
                        allocator.FreePage(page);
                    }
                }
            }
            """),

        new("Retry loop frees the loser without clearing", """
            sealed class Slot { public Page? Head; }

            public static class Program
            {
                public static void Run(PageAllocator allocator, int losses)
                {
                    var slot = new Slot();
                    for (var attempt = 0; ; attempt++)
                    {
                        var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                        if (page is null) return;
                        slot.Head = attempt < losses ? allocator.AllocPage(Gfp.Kernel) : null;
                        if (Interlocked.CompareExchange(ref slot.Head, page, null) == null) return;
                        {|#0:allocator.FreePage(page)|};
                    }
                }
            }
            """, new GFP004Expected("page", Alloc, "FreePage", "when the compare-and-swap fails")),

        new("Retry loop clears the loser", """
            sealed class Slot { public Page? Head; }

            public static class Program
            {
                public static void Run(PageAllocator allocator, int losses)
                {
                    var slot = new Slot();
                    for (var attempt = 0; ; attempt++)
                    {
                        var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                        if (page is null) return;
                        slot.Head = attempt < losses ? allocator.AllocPage(Gfp.Kernel) : null;
                        if (Interlocked.CompareExchange(ref slot.Head, page, null) == null) return;
                        allocator.ClearPageTagRef(page);
                        allocator.FreePage(page);
                    }
                }
            }
            """),

        new("Flags through a const and a local", """
            public static class Program
            {
                private const Gfp TrackerGfp = Gfp.High | Gfp.NoCodetag;

                public static void Run(PageAllocator allocator, bool quiet)
                {
                    var flags = TrackerGfp;
                    if (quiet) flags |= Gfp.NoWarn;
                    var page = allocator.AllocPages(flags, 1); /*A*/
                    if (page == null) return;
                    {|#0:allocator.FreePages(page, 1)|};
                }
            }
            """, new GFP004Expected("page", Alloc, "FreePages", "on every path")),

        new("Node allocation frees without clearing", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPagesNode(0, Gfp.High | Gfp.NoCodetag, 0); /*A*/
                    if (page == null) return;
                    {|#0:allocator.FreePages(page, 0)|};
                }
            }
            """, new GFP004Expected("page", Alloc, "FreePages", "on every path")),

        new("Flags that only may carry NoCodetag", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool tagged)
                {
                    var flags = tagged ? Gfp.High | Gfp.NoCodetag : Gfp.High;
                    var page = allocator.AllocPage(flags);
                    if (page == null) return;
                    if (tagged) allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                }
            }
            """),

        new("ClearPageTagRefIfNotSet counts as the clear", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    allocator.ClearPageTagRefIfNotSet(page);
                    allocator.FreePage(page);
                }
            }
            """),

        new("Freeing the previous iteration's cleared page", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, int count)
                {
                    Page? previous = null;
                    for (var i = 0; i < count; i++)
                    {
                        var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                        if (page == null) break;
                        if (previous != null) allocator.FreePage(previous);
                        allocator.ClearPageTagRef(page);
                        previous = page;
                    }

                    if (previous != null) allocator.FreePage(previous);
                }
            }
            """),

        // ---------------------------------------------------------------- branches
        new("Clear on one branch only", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool clear)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page is null) return;
                    if (clear)
                    {
                        allocator.ClearPageTagRef(page);
                    }

                    {|#0:allocator.FreePage(page)|};
                }
            }
            """, new GFP004Expected("page", Alloc, "FreePage", "when 'clear' is false")),

        new("Clear on every branch", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool early)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page is null) return;
                    if (early)
                    {
                        allocator.ClearPageTagRef(page);
                        allocator.FreePage(page);
                        return;
                    }

                    allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                }
            }
            """),

        new("Switch misses the clear in one case", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, int mode)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page is null) return;
                    switch (mode)
                    {
                        case 0:
                            allocator.ClearPageTagRef(page);
                            allocator.FreePage(page);
                            break;
                        case 1:
                            {|#0:allocator.FreePage(page)|};
                            break;
                        default:
                            allocator.ClearPageTagRef(page);
                            allocator.FreePage(page);
                            break;
                    }
                }
            }
            """, new GFP004Expected("page", Alloc, "FreePage", "on every path")),

        new("Correlated clear and free on the same flag", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool handOff)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page is null) return;
                    if (handOff) allocator.ClearPageTagRef(page);
                    Console.Write("");
                    if (handOff) allocator.FreePage(page);
                }
            }
            """),

        new("Correlated through the outcome of the cmpxchg", """
            sealed class Slot { public Page? Head; }

            public static class Program
            {
                public static void Run(PageAllocator allocator, bool occupied)
                {
                    var slot = new Slot();
                    if (occupied) slot.Head = allocator.AllocPage(Gfp.Kernel);
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    var lost = Interlocked.CompareExchange(ref slot.Head, page, null) != null;
                    if (lost) allocator.ClearPageTagRef(page);
                    if (!lost) return;
                    allocator.FreePage(page);
                }
            }
            """),

        new("Freed exactly when the flag skipped the clear", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool clear)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page is null) return;
                    if (clear) allocator.ClearPageTagRef(page);
                    if (!clear)
                    {
                        {|#0:allocator.FreePage(page)|};
                    }
                }
            }
            """, new GFP004Expected("page", Alloc, "FreePage", "when 'clear' is false")),

        new("Normal allocation freed without clearing", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool atomic)
                {
                    var page = allocator.AllocPage(atomic ? Gfp.Atomic : Gfp.Kernel);
                    if (page is null) return;
                    allocator.FreePage(page);
                }
            }
            """),

        // ---------------------------------------------------------------- null checks
        new("Null paths carry no obligation", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool keep)
                {
                    Page? page = keep ? allocator.AllocPage(Gfp.High | Gfp.NoCodetag) : null;
                    if (page is not null)
                    {
                        allocator.ClearPageTagRef(page);
                    }

                    if (page?.Pfn is null) return;
                    allocator.FreePage(page);
                }
            }
            """),

        // ---------------------------------------------------------------- locals
        new("Clearing through a copy counts", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool viaCopy)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    var copy = page;
                    if (viaCopy) allocator.ClearPageTagRef(copy);
                    else allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                }
            }
            """),

        new("Freeing through a copy without clearing", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page == null) return;
                    Page copy = page;
                    {|#0:allocator.FreePage(copy)|};
                }
            }
            """, new GFP004Expected("copy", Alloc, "FreePage", "on every path")),

        new("Clearing a different page does not count", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var first = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    var second = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (first == null || second == null) return;
                    allocator.ClearPageTagRef(second);
                    {|#0:allocator.FreePage(first)|};
                    allocator.FreePage(second);
                }
            }
            """, new GFP004Expected("first", Alloc, "FreePage", "on every path")),

        new("Reassigning the local resets its state", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                    page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page == null) return;
                    {|#0:allocator.FreePage(page)|};
                }
            }
            """, new GFP004Expected("page", Alloc, "FreePage", "on every path")),

        new("Reassigning the local to a normal page", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                    page = allocator.AllocPage(Gfp.Kernel);
                    if (page == null) return;
                    allocator.FreePage(page);
                }
            }
            """),

        // ---------------------------------------------------------------- try/finally, catch, using
        new("Finally clears before the free after it", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool fail)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    try
                    {
                        Work(fail);
                    }
                    finally
                    {
                        allocator.ClearPageTagRef(page);
                    }

                    allocator.FreePage(page);
                }

                private static void Work(bool fail)
                {
                    if (fail) throw new InvalidOperationException("work failed");
                }
            }
            """),

        new("Finally frees when the work throws", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool fail)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page == null) return;
                    try
                    {
                        Work(fail);
                        allocator.ClearPageTagRef(page);
                    }
                    finally
                    {
                        {|#0:allocator.FreePage(page)|};
                    }
                }

                private static void Work(bool fail)
                {
                    if (fail) throw new InvalidOperationException("work failed");
                }
            }
            """, new GFP004Expected("page", Alloc, "FreePage", "when 'Work(fail)' throws")),

        new("Catch frees without clearing", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool fail)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page == null) return;
                    try
                    {
                        Work(fail);
                        allocator.ClearPageTagRef(page);
                        allocator.FreePage(page);
                    }
                    catch (InvalidOperationException)
                    {
                        {|#0:allocator.FreePage(page)|};
                    }
                }

                private static void Work(bool fail)
                {
                    if (fail) throw new InvalidOperationException("work failed");
                }
            }
            """, new GFP004Expected("page", Alloc, "FreePage", "when 'Work(fail)' throws")),

        new("Catch clears then frees", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool fail)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    try
                    {
                        Work(fail);
                    }
                    catch (InvalidOperationException)
                    {
                        allocator.ClearPageTagRef(page);
                        allocator.FreePage(page);
                        return;
                    }

                    allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                }

                private static void Work(bool fail)
                {
                    if (fail) throw new InvalidOperationException("work failed");
                }
            }
            """),

        new("Inside an RCU section with early return", """
            sealed class Slot { public Page? Head; }

            public static class Program
            {
                public static void Run(PageAllocator allocator, bool occupied, bool bail)
                {
                    var slot = new Slot();
                    if (occupied) slot.Head = allocator.AllocPage(Gfp.Kernel);
                    using (allocator.Rcu.ReadLock())
                    {
                        var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                        if (page == null) return;
                        if (bail)
                        {
                            allocator.ClearPageTagRef(page);
                            allocator.FreePage(page);
                            return;
                        }

                        if (Interlocked.CompareExchange(ref slot.Head, page, null) is null) return;
                        allocator.ClearPageTagRef(page);
                        allocator.FreePage(page);
                    }
                }
            }
            """),

        // ---------------------------------------------------------------- helpers (method summaries)
        new("Helper clears and frees", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    Release(allocator, page);
                }

                private static void Release(PageAllocator allocator, Page page)
                {
                    allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                }
            }
            """),

        new("Helper frees without clearing", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page == null) return;
                    {|#0:Release(allocator, page)|};
                }

                private static void Release(PageAllocator allocator, Page page)
                {
                    allocator.FreePage(page);
                }
            }
            """, new GFP004Expected("page", Alloc, "'Release' (which frees it)", "on every path")),

        new("Helper clears, caller frees", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    Forget(allocator, page);
                    allocator.FreePage(page);
                }

                private static void Forget(PageAllocator allocator, Page page) => allocator.ClearPageTagRef(page);
            }
            """),

        new("Helper clears on one path only", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool clear)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page == null) return;
                    MaybeForget(allocator, page, clear);
                    {|#0:allocator.FreePage(page)|};
                }

                private static void MaybeForget(PageAllocator allocator, Page page, bool clear)
                {
                    if (clear) allocator.ClearPageTagRef(page);
                }
            }
            """, new GFP004Expected("page", Alloc, "FreePage", "on some path")),

        new("Helper chain clears and frees", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    Retire(allocator, page);
                }

                private static void Retire(PageAllocator allocator, Page page)
                {
                    allocator.ClearPageTagRef(page);
                    Free(allocator, page);
                }

                private static void Free(PageAllocator allocator, Page page) => allocator.FreePage(page);
            }
            """),

        new("Recursive helper clears and frees at the bottom", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, int depth)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    Release(allocator, page, depth);
                }

                private static void Release(PageAllocator allocator, Page page, int depth)
                {
                    if (depth > 0)
                    {
                        Release(allocator, page, depth - 1);
                        return;
                    }

                    allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                }
            }
            """),

        new("Local function frees without clearing", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page == null) return;
                    {|#0:Drop(page)|};

                    void Drop(Page victim) => allocator.FreePage(victim);
                }
            }
            """, new GFP004Expected("page", Alloc, "'Drop' (which frees it)", "on every path")),

        new("Lambda that clears and frees owns the page", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool release)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    Action retire = () =>
                    {
                        allocator.ClearPageTagRef(page);
                        allocator.FreePage(page);
                    };
                    if (release) retire();
                }
            }
            """),

        new("Lambda allocates and frees without clearing", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool work)
                {
                    Action refill = () =>
                    {
                        var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                        if (page == null) return;
                        {|#0:allocator.FreePage(page)|};
                    };
                    if (work) refill();
                }
            }
            """, new GFP004Expected("page", Alloc, "FreePage", "on every path")),

        new("Unknown origin is left alone", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.Kernel);
                    if (page == null) return;
                    Release(allocator, page);
                }

                private static void Release(PageAllocator allocator, Page page) => allocator.FreePage(page);
            }
            """),

        // ---------------------------------------------------------------- [NoCodetagPages]
        new("Annotated field read into a local", """
            sealed class Pool { [NoCodetagPages] public Page? Backing; }

            public static class Program
            {
                public static void Run(PageAllocator allocator, bool clear)
                {
                    var pool = new Pool { Backing = allocator.AllocPage(Gfp.High | Gfp.NoCodetag) };
                    Drain(allocator, pool, clear);
                }

                private static void Drain(PageAllocator allocator, Pool pool, bool clear)
                {
                    var page = pool.Backing;
                    if (page == null) return;
                    pool.Backing = null;
                    if (clear) allocator.ClearPageTagRef(page);
                    {|#0:allocator.FreePage(page)|};
                }
            }
            """, new GFP004Expected("page", "from [NoCodetagPages] field 'Pool.Backing'", "FreePage", "when 'clear' is false")),

        new("Pool head taken with Interlocked.Exchange", """
            sealed class Tracker { [NoCodetagPages] public Page? Head; }

            public static class Program
            {
                public static void Run(PageAllocator allocator, bool clear)
                {
                    var tracker = new Tracker();
                    tracker.Head = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    Release(allocator, tracker, clear);
                }

                private static void Release(PageAllocator allocator, Tracker tracker, bool clear)
                {
                    var page = Interlocked.Exchange(ref tracker.Head, null);
                    if (page == null) return;
                    if (clear) allocator.ClearPageTagRef(page);
                    {|#0:allocator.FreePage(page)|};
                }
            }
            """, new GFP004Expected("page", "from [NoCodetagPages] field 'Tracker.Head'", "FreePage", "when 'clear' is false")),

        new("Annotated field cleared and freed in place", """
            sealed class Pool { [NoCodetagPages] public Page? Backing; }

            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var pool = new Pool { Backing = allocator.AllocPage(Gfp.High | Gfp.NoCodetag) };
                    if (pool.Backing is null) return;
                    allocator.ClearPageTagRef(pool.Backing);
                    allocator.FreePage(pool.Backing);
                }
            }
            """),

        new("Annotated property walked in a list", NodeList + """

                private static void FreeAll(PageAllocator allocator, Node? head)
                {
                    for (var node = head; node != null; node = node.Next)
                    {
                        allocator.ClearPageTagRef(node.Page);
                        allocator.FreePage(node.Page);
                    }
                }
            }
            """),

        new("Annotated property freed in a list without clearing", NodeList + """

                private static void FreeAll(PageAllocator allocator, Node? head)
                {
                    for (var node = head; node != null; node = node.Next)
                    {
                        {|#0:allocator.FreePage(node.Page)|};
                    }
                }
            }
            """, new GFP004Expected("node.Page", "from [NoCodetagPages] property 'Node.Page'", "FreePage", "on every path")),

        new("Annotated parameter freed without clearing", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    Discard(allocator, page);
                }

                private static void Discard(PageAllocator allocator, [NoCodetagPages] Page page)
                {
                    {|#0:allocator.FreePage(page)|};
                }
            }
            """, new GFP004Expected("page", "from [NoCodetagPages] parameter 'page'", "FreePage", "on every path")),

        new("Annotated return value freed without clearing", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var spare = TakeSpare(allocator); /*A*/
                    if (spare == null) return;
                    {|#0:allocator.FreePage(spare)|};
                }

                [return: NoCodetagPages]
                private static Page? TakeSpare(PageAllocator allocator) => allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
            }
            """, new GFP004Expected("spare", "returned by [NoCodetagPages] method 'TakeSpare' at line {line:A}", "FreePage", "on every path")),

        // ---------------------------------------------------------------- dead code and field aliases
        new("A debug-only free under a const false condition is dead code", """
            public static class Program
            {
                private const bool Debug = false; // a translated IS_ENABLED(CONFIG_...)

                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    if (Debug) { allocator.FreePage(page); return; }
                    if (false) { allocator.FreePage(page); }
                    allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                }
            }
            """),

        new("A clear through the field the page was published to", """
            public static class Program
            {
                private static Page? _head;

                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    _head = page;
                    allocator.ClearPageTagRef(_head);
                    _head = null;
                    allocator.FreePage(page);
                }
            }
            """),

        new("A clear through a field written again clears another page", """
            public static class Program
            {
                private static Page? _head;

                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page == null) return;
                    _head = page;
                    var spare = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (spare == null) { allocator.ClearPageTagRef(page); allocator.FreePage(page); return; }
                    _head = spare;
                    allocator.ClearPageTagRef(_head);
                    allocator.FreePage(spare);
                    _head = null;
                    {|#0:allocator.FreePage(page)|};
                }
            }
            """, new GFP004Expected("page", Alloc, "FreePage", "on every path")),

        // ---------------------------------------------------------------- a NoCodetag page on one side of ?:
        new("A NoCodetag page chosen by a conditional operator is freed without clearing", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool early)
                {
                    var page = early ? allocator.AllocPage(Gfp.High | Gfp.NoCodetag) : allocator.AllocPage(Gfp.Kernel); /*A*/
                    if (page == null) return;
                    {|#0:allocator.FreePage(page)|};
                }
            }
            """, new GFP004Expected("page", Alloc, "FreePage", "when 'early' is true")),

        new("A NoCodetag page chosen by a conditional operator is cleared on its path", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool early)
                {
                    var page = early ? allocator.AllocPage(Gfp.High | Gfp.NoCodetag) : allocator.AllocPage(Gfp.Kernel);
                    if (page == null) return;
                    if (early) allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                }
            }
            """),

        // ---------------------------------------------------------------- messages
        new("A page tested by a declaration pattern is uncleared on every path that has it", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    if (allocator.AllocPage(Gfp.High | Gfp.NoCodetag) is { } page) /*A*/
                    {
                        {|#0:allocator.FreePage(page)|};
                    }
                }
            }
            """, new GFP004Expected("page", Alloc, "FreePage", "on every path")),

        new("An else-if chain names every condition on the path", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, int x)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page == null) return;
                    if (x > 0) allocator.ClearPageTagRef(page);
                    else if (x < 0) allocator.ClearPageTagRef(page);
                    {|#0:allocator.FreePage(page)|};
                }
            }
            """, new GFP004Expected("page", Alloc, "FreePage", "when 'x > 0' is false and 'x < 0' is false")),
    ];

    /// <summary>Every program: those above, then those whose obligation travels through calls.</summary>
    public static IReadOnlyList<GFP004Case> All { get; } = [.. OneMethod, .. GFP004CrossMethodCases.All];

    public static GFP004Case Named(string name) => All.Single(c => c.Name == name);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in All)
        {
            data.Add(c.Name);
        }

        return data;
    }
}
