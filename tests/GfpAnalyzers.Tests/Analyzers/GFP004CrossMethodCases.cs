namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP004 programs whose obligation travels through calls: pages returned by helpers (at any depth), helpers that free
/// or clear the page they are given, recursion. Part of <see cref="GFP004CaseCatalog.All"/>, so each is also run against
/// the runtime.
/// </summary>
public static class GFP004CrossMethodCases
{
    private const string ReturnedByMake = "a NoCodetag page returned by 'Make' at line {line:A}";

    public static IReadOnlyList<GFP004Case> All { get; } =
    [
        // ---------------------------------------------------------------- a returned page carries the obligation
        new("A page returned by a helper is freed without clearing", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = Make(allocator); /*A*/
                    if (page == null) return;
                    {|#0:allocator.FreePage(page)|};
                }

                private static Page? Make(PageAllocator allocator) => allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
            }
            """, new GFP004Expected("page", ReturnedByMake, "FreePage", "on every path")),

        new("A page returned by a helper is cleared by the caller", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = Make(allocator);
                    if (page == null) return;
                    allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                }

                private static Page? Make(PageAllocator allocator) => allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
            }
            """),

        new("A page returned through two helpers is freed without clearing", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = Make(allocator); /*A*/
                    if (page == null) return;
                    {|#0:allocator.FreePage(page)|};
                }

                private static Page? Make(PageAllocator allocator) => Grow(allocator);

                private static Page? Grow(PageAllocator allocator)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return null;
                    return page;
                }
            }
            """, new GFP004Expected("page", ReturnedByMake, "FreePage", "on every path")),

        new("A page returned through five helpers is freed without clearing", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = Make(allocator); /*A*/
                    if (page == null) return;
                    {|#0:allocator.FreePage(page)|};
                }

                private static Page? Make(PageAllocator allocator) => Level2(allocator);
                private static Page? Level2(PageAllocator allocator) => Level3(allocator);
                private static Page? Level3(PageAllocator allocator) => Level4(allocator);
                private static Page? Level4(PageAllocator allocator) => Level5(allocator);
                private static Page? Level5(PageAllocator allocator) => allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
            }
            """, new GFP004Expected("page", ReturnedByMake, "FreePage", "on every path")),

        new("A page the helper clears before returning it carries no obligation", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = Make(allocator);
                    if (page == null) return;
                    allocator.FreePage(page);
                }

                private static Page? Make(PageAllocator allocator) => Level2(allocator);

                private static Page? Level2(PageAllocator allocator)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page != null) allocator.ClearPageTagRef(page);
                    return page;
                }
            }
            """),

        new("A helper that clears the page it returns on one path only", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool clear)
                {
                    var page = Make(allocator, clear); /*A*/
                    if (page == null) return;
                    {|#0:allocator.FreePage(page)|};
                }

                private static Page? Make(PageAllocator allocator, bool clear)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page != null && clear) allocator.ClearPageTagRef(page);
                    return page;
                }
            }
            """, new GFP004Expected("page", ReturnedByMake, "FreePage", "on some path")),

        new("A helper that returns a page with its tag carries no obligation", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = Make(allocator);
                    if (page == null) return;
                    allocator.FreePage(page);
                }

                private static Page? Make(PageAllocator allocator) => allocator.AllocPage(Gfp.Kernel);
            }
            """),

        new("A returned page handed to a helper that frees it without clearing", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = Make(allocator); /*A*/
                    if (page == null) return;
                    {|#0:Release(allocator, page)|};
                }

                private static Page? Make(PageAllocator allocator) => allocator.AllocPage(Gfp.High | Gfp.NoCodetag);

                private static void Release(PageAllocator allocator, Page page) => Drop(allocator, page);

                private static void Drop(PageAllocator allocator, Page page) => allocator.FreePage(page);
            }
            """, new GFP004Expected("page", ReturnedByMake, "'Release' (which frees it)", "on every path")),

        new("A recursive helper returns the page it allocates at the bottom", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, int depth)
                {
                    var page = Make(allocator, depth); /*A*/
                    if (page == null) return;
                    {|#0:allocator.FreePage(page)|};
                }

                private static Page? Make(PageAllocator allocator, int depth)
                    => depth <= 0 ? allocator.AllocPage(Gfp.High | Gfp.NoCodetag) : Make(allocator, depth - 1);
            }
            """, new GFP004Expected("page", ReturnedByMake, "FreePage", "on every path")),

        // ---------------------------------------------------------------- recursion settles at a fixed point
        new("Mutually recursive helpers free without clearing", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, int depth)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page == null) return;
                    {|#0:Even(allocator, page, depth)|};
                }

                private static void Even(PageAllocator allocator, Page page, int depth)
                {
                    if (depth <= 0) { allocator.FreePage(page); return; }
                    Odd(allocator, page, depth - 1);
                }

                private static void Odd(PageAllocator allocator, Page page, int depth) => Even(allocator, page, depth);
            }
            """, new GFP004Expected("page", "allocated with NoCodetag at line {line:A}", "'Even' (which frees it)", "on every path")),

        new("Mutually recursive helpers clear before they free", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, int depth)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    Even(allocator, page, depth);
                }

                private static void Even(PageAllocator allocator, Page page, int depth)
                {
                    if (depth <= 0) { allocator.ClearPageTagRef(page); allocator.FreePage(page); return; }
                    Odd(allocator, page, depth - 1);
                }

                private static void Odd(PageAllocator allocator, Page page, int depth) => Even(allocator, page, depth);
            }
            """),

        new("A recursive helper clears at the bottom and the caller frees", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, int depth)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    Forget(allocator, page, depth);
                    allocator.FreePage(page);
                }

                private static void Forget(PageAllocator allocator, Page page, int depth)
                {
                    if (depth > 0) Forget(allocator, page, depth - 1);
                    else allocator.ClearPageTagRef(page);
                }
            }
            """),

        // ---------------------------------------------------------------- conditions, evaluated with the arguments
        new("A helper that clears when told to is told to", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    MaybeForget(allocator, page, clear: true);
                    allocator.FreePage(page);
                }

                private static void MaybeForget(PageAllocator allocator, Page page, bool clear)
                {
                    if (clear) allocator.ClearPageTagRef(page);
                }
            }
            """),

        new("A helper that clears when told to is told not to", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page == null) return;
                    MaybeForget(allocator, page, clear: false);
                    {|#0:allocator.FreePage(page)|};
                }

                private static void MaybeForget(PageAllocator allocator, Page page, bool clear)
                {
                    if (clear) allocator.ClearPageTagRef(page);
                }
            }
            """, new GFP004Expected("page", "allocated with NoCodetag at line {line:A}", "FreePage", "on some path")),

        new("A helper frees without clearing only in one mode, and is called in the other", """
            enum Retire { Clear, Keep }

            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    Release(allocator, page, Retire.Clear);
                }

                private static void Release(PageAllocator allocator, Page page, Retire mode)
                {
                    if (mode == Retire.Clear) allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                }
            }
            """),

        new("A helper frees without clearing only in one mode, and is called in it", """
            enum Retire { Clear, Keep }

            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page == null) return;
                    {|#0:Release(allocator, page, Retire.Keep)|};
                }

                private static void Release(PageAllocator allocator, Page page, Retire mode)
                {
                    if (mode == Retire.Clear) allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                }
            }
            """, new GFP004Expected("page", "allocated with NoCodetag at line {line:A}", "'Release' (which frees it)", "on every path")),

        new("A helper frees without clearing when no reason is given", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool quiet)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page == null) return;
                    var other = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (other == null) return;
                    Drop(allocator, other, "shrink");
                    {|#0:Drop(allocator, page, null)|};
                }

                private static void Drop(PageAllocator allocator, Page page, string? reason)
                {
                    if (reason == null)
                    {
                        allocator.FreePage(page);
                        return;
                    }

                    Console.WriteLine(reason);
                    allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                }
            }
            """, new GFP004Expected("page", "allocated with NoCodetag at line {line:A}", "'Drop' (which frees it)", "on every path")),

        new("A condition passed down two helpers is decided by the outermost call", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool clear)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*A*/
                    if (page == null) return;
                    var other = allocator.AllocPage(Gfp.High | Gfp.NoCodetag); /*B*/
                    if (other == null) return;
                    Retire(allocator, page, clear: true);
                    {|#0:Retire(allocator, other, clear: false)|};
                }

                private static void Retire(PageAllocator allocator, Page page, bool clear) => Release(allocator, page, clear);

                private static void Release(PageAllocator allocator, Page page, bool clear)
                {
                    if (clear) allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                }
            }
            """, new GFP004Expected("other", "allocated with NoCodetag at line {line:B}", "'Retire' (which frees it)", "on every path")),

        new("A helper returns a NoCodetag page only when asked for one", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool unused)
                {
                    var tagged = Make(allocator, tagless: false);
                    if (tagged != null) allocator.FreePage(tagged);
                    var page = Make(allocator, tagless: true); /*A*/
                    if (page == null) return;
                    {|#0:allocator.FreePage(page)|};
                }

                private static Page? Make(PageAllocator allocator, bool tagless)
                    => tagless ? allocator.AllocPage(Gfp.High | Gfp.NoCodetag) : allocator.AllocPage(Gfp.Kernel);
            }
            """, new GFP004Expected("page", "a NoCodetag page returned by 'Make' at line {line:A}", "FreePage", "on every path")),

        new("A helper's condition is decided by the caller's own branch", """
            public static class Program
            {
                public static void Run(PageAllocator allocator, bool clear)
                {
                    var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page == null) return;
                    if (clear)
                    {
                        Release(allocator, page, clear);
                    }
                    else
                    {
                        allocator.ClearPageTagRef(page);
                        allocator.FreePage(page);
                    }
                }

                private static void Release(PageAllocator allocator, Page page, bool clear)
                {
                    if (clear) allocator.ClearPageTagRef(page);
                    allocator.FreePage(page);
                }
            }
            """),
    ];
}
