using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.CodeFixes;
using GfpAnalyzers.CodeFixes.SharedFixes;
using GfpAnalyzers.Tests.Verifiers;
using Fix = GfpAnalyzers.Tests.CodeFixes.FixTest<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer, GfpAnalyzers.CodeFixes.GFP001SleepingAllocationInAtomicContextCodeFix>;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>
/// GFP001 → the context's non-sleeping flags: Gfp.Atomic where GFP002 does not report a kswapd wake-up under the
/// project's configuration, Gfp.High where it does, and in allocation hooks Gfp.High | Gfp.NoCodetag with a clear
/// before each free of the page. Every fixed program is checked for GFP diagnostics under the same configuration.
/// </summary>
public class GFP001SleepingAllocationInAtomicContextCodeFixTests
{
    private const string Key = UseContextFlagsFix.EquivalenceKey;

    /// <summary>GFP002 reports Gfp.Atomic only in allocation hooks: outside them, GFP_ATOMIC is the idiom.</summary>
    private static readonly EditorConfig AtomicAllowed = EditorConfig.Gfp002Scope("allocation_hooks");

    /// <summary>GFP002 reports every kswapd wake-up in atomic context (the strict preset).</summary>
    private static readonly EditorConfig EveryWakeupReported = EditorConfig.Gfp002Scope("all");

    [Fact]
    public async Task Kernel_in_an_RCU_section_becomes_Atomic_and_the_frees_stay_as_they_are()
    {
        const string source = TestEnvironment.Usings + """
            class Tracker
            {
                private readonly PageAllocator _allocator = new();
                private readonly Rcu _rcu = new();

                void Refill(bool busy)
                {
                    using (_rcu.ReadLock())
                    {
                        // The page backs a new pool node.
                        var page = _allocator.AllocPage({|GFP001:Gfp.Kernel|} /* was GFP_KERNEL */);
                        if (page is null)
                            return;
                        if (busy)
                            _allocator.FreePage(page);
                    }
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Tracker
            {
                private readonly PageAllocator _allocator = new();
                private readonly Rcu _rcu = new();

                void Refill(bool busy)
                {
                    using (_rcu.ReadLock())
                    {
                        // The page backs a new pool node.
                        var page = _allocator.AllocPage(Gfp.Atomic /* was GFP_KERNEL */);
                        if (page is null)
                            return;
                        if (busy)
                            _allocator.FreePage(page);
                    }
                }
            }
            """;
        await Fix.VerifyAsync([source], [fixedSource], Key, AtomicAllowed);
    }

    [Fact]
    public async Task Where_GFP002_reports_every_wakeup_the_fix_uses_High_without_NoCodetag()
    {
        const string source = TestEnvironment.Usings + """
            class Tracker
            {
                void Refill(PageAllocator a, Rcu rcu, bool busy)
                {
                    using (rcu.ReadLock())
                    {
                        var page = a.AllocPage({|GFP001:Gfp.Kernel|});
                        if (busy && page is not null)
                            a.FreePage(page);
                    }
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Tracker
            {
                void Refill(PageAllocator a, Rcu rcu, bool busy)
                {
                    using (rcu.ReadLock())
                    {
                        var page = a.AllocPage(Gfp.High);
                        if (busy && page is not null)
                            a.FreePage(page);
                    }
                }
            }
            """;
        await Fix.VerifyAsync([source], [fixedSource], Key, EveryWakeupReported);
    }

    [Fact]
    public async Task Under_the_default_configuration_the_fixed_code_is_clean()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                [RcuReadLockHeld]
                Page? M(PageAllocator a) => a.AllocPage({|GFP001:Gfp.Kernel|});
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class C
            {
                [RcuReadLockHeld]
                Page? M(PageAllocator a) => a.AllocPage(Gfp.Atomic);
            }
            """;
        // The default scope reports kswapd wake-ups only where scheduler locks may be held: GFP_ATOMIC is the idiom here.
        await Fix.VerifyAsync(source, fixedSource, Key);
    }

    public static TheoryData<string, string, string, string> AtomicContexts => new()
    {
        // context (the body around `ALLOC;`), GFP002 scope ("" = default), fixed flags, what the context is
        { "using (_lock.Lock()) { ALLOC; }", "", "Gfp.Atomic", "a spinlock section: GFP_ATOMIC is the idiom" },
        { "var flags = _lock.LockIrqSave(); ALLOC; _lock.UnlockIrqRestore(flags);", "", "Gfp.Atomic", "a spin_lock_irqsave section" },
        { "using (_lock.Lock()) { ALLOC; }", "all", "Gfp.High", "a spinlock section where every wake-up is reported" },
        { "Preempt.Disable(); ALLOC; Preempt.Enable();", "", "Gfp.Atomic", "preemption disabled" },
        { "using (_rcu.ReadLock()) { ALLOC; }", "", "Gfp.Atomic", "an RCU read-side section" },
        { "Scheduler.LockRunqueue(); ALLOC; Scheduler.UnlockRunqueue();", "", "Gfp.High", "the runqueue lock: waking kswapd takes it again" },
        { "Scheduler.LockRunqueue(); ALLOC; Scheduler.UnlockRunqueue();", "allocation_hooks", "Gfp.High", "the runqueue lock, even where GFP002 is limited to hooks" },
        { "Scheduler.LockRunqueue(); using (_rcu.ReadLock()) { ALLOC; } Scheduler.UnlockRunqueue();", "", "Gfp.High", "an RCU section inside the runqueue lock" },
    };

    [Theory]
    [MemberData(nameof(AtomicContexts))]
    public async Task Every_atomic_context_gets_its_idiom_and_the_fixed_code_is_clean(string body, string scope, string expected, string because)
    {
        const string template = TestEnvironment.Usings + """
            class Driver
            {
                private readonly PageAllocator _allocator = new();
                private readonly KSpinLock _lock = new();
                private readonly Rcu _rcu = new();

                void Refill()
                {
                    BODY
                }
            }
            """;
        var source = template.Replace("BODY", body.Replace("ALLOC", "_allocator.AllocPage({|GFP001:Gfp.Kernel|})", StringComparison.Ordinal), StringComparison.Ordinal);
        var fixedSource = template.Replace("BODY", body.Replace("ALLOC", $"_allocator.AllocPage({expected})", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(because));
        await Fix.VerifyAsync([source], [fixedSource], Key, scope.Length == 0 ? EditorConfig.None : EditorConfig.Gfp002Scope(scope));
    }

    [Theory]
    [InlineData("Gfp.NoIo | Gfp.Zero", "Gfp.Atomic | Gfp.Zero")]
    [InlineData("Gfp.Kernel | Gfp.NoFail | Gfp.NoWarn", "Gfp.Atomic | Gfp.NoWarn")]
    [InlineData("Gfp.KernelAccount", "Gfp.Atomic | Gfp.Account")]
    [InlineData("Gfp.Kernel | Gfp.Dma32", "Gfp.Atomic | Gfp.Dma32")]
    [InlineData("Gfp.NoFs | Gfp.High", "Gfp.Atomic")]
    [InlineData("Gfp.Kernel | Gfp.RetryMayFail | Gfp.Comp", "Gfp.Atomic | Gfp.Comp")]
    public async Task Keeps_the_bits_that_are_harmless_in_atomic_context(string flags, string expected)
    {
        var source = TestEnvironment.Usings + $$"""
            class C
            {
                [RcuReadLockHeld]
                Page? M(PageAllocator a) => a.AllocPage({|GFP001:{{flags}}|});
            }
            """;
        var fixedSource = TestEnvironment.Usings + $$"""
            class C
            {
                [RcuReadLockHeld]
                Page? M(PageAllocator a) => a.AllocPage({{expected}});
            }
            """;
        await Fix.VerifyAsync([source], [fixedSource], Key, AtomicAllowed);
    }

    [Fact]
    public async Task In_an_allocation_hook_it_is_the_v6_constant_and_every_free_of_the_page_gets_a_clear()
    {
        const string source = TestEnvironment.Usings + """
            class Tracker
            {
                private readonly PageAllocator _allocator = new();

                [AllocationHook]
                void Record(ulong pfn, bool busy)
                {
                    var page = _allocator.AllocPage({|GFP001:Gfp.Kernel|});
                    if (page is null)
                        return;
                    if (busy)
                        _allocator.FreePage(page);
                    else
                    {
                        _allocator.FreePages(page, 0);
                    }
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Tracker
            {
                private readonly PageAllocator _allocator = new();

                [AllocationHook]
                void Record(ulong pfn, bool busy)
                {
                    var page = _allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page is null)
                        return;
                    if (busy)
                    {
                        _allocator.ClearPageTagRef(page);
                        _allocator.FreePage(page);
                    }
                    else
                    {
                        _allocator.ClearPageTagRef(page);
                        _allocator.FreePages(page, 0);
                    }
                }
            }
            """;
        // The hook's idiom does not depend on the GFP002 scope.
        await Fix.VerifyAsync([source], [fixedSource], Key, AtomicAllowed);
        await Fix.VerifyAsync([source], [fixedSource], Key, EveryWakeupReported);
    }

    [Fact]
    public async Task Under_a_lock_inside_an_allocation_hook_it_is_still_the_hooks_constant()
    {
        // The message names the innermost context (the spinlock); the allocation is still the hook's and must not re-enter it.
        const string source = TestEnvironment.Usings + """
            class Tracker
            {
                private readonly KSpinLock _lock = new();

                [AllocationHook]
                void Record(PageAllocator a)
                {
                    using (_lock.Lock())
                    {
                        a.AllocPage({|GFP001:Gfp.Kernel|});
                    }
                }

                void Install(PageAllocator a) => a.SetEarlyAllocHook((pfn, gfp) =>
                {
                    using (_lock.Lock())
                    {
                        a.AllocPage({|GFP001:Gfp.NoIo|});
                    }
                });
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Tracker
            {
                private readonly KSpinLock _lock = new();

                [AllocationHook]
                void Record(PageAllocator a)
                {
                    using (_lock.Lock())
                    {
                        a.AllocPage(Gfp.High | Gfp.NoCodetag);
                    }
                }

                void Install(PageAllocator a) => a.SetEarlyAllocHook((pfn, gfp) =>
                {
                    using (_lock.Lock())
                    {
                        a.AllocPage(Gfp.High | Gfp.NoCodetag);
                    }
                });
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, Key);
    }

    [Fact]
    public async Task Fix_all_gives_each_allocation_its_contexts_flags_across_files()
    {
        const string first = TestEnvironment.Usings + """
            class A
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    rcu.ReadLock();
                    var p = a.AllocPage({|GFP001:Gfp.Kernel|});
                    var q = a.AllocPages({|GFP001:Gfp.NoIo | Gfp.Zero|}, 1);
                    if (p is not null) a.FreePage(p);
                    if (q is not null) a.FreePages(q, 1);
                    rcu.ReadUnlock();
                }
            }
            """;
        const string second = TestEnvironment.Usings + """
            class B
            {
                [RcuReadLockHeld]
                Page? M(PageAllocator a) => a.AllocPage({|GFP001:Gfp.User|});

                [AllocationHook]
                void Hook(PageAllocator a)
                {
                    var page = a.AllocPage({|GFP001:Gfp.Kernel|});
                    if (page is not null) a.FreePage(page);
                }
            }
            """;
        const string firstFixed = TestEnvironment.Usings + """
            class A
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    rcu.ReadLock();
                    var p = a.AllocPage(Gfp.Atomic);
                    var q = a.AllocPages(Gfp.Atomic | Gfp.Zero, 1);
                    if (p is not null) a.FreePage(p);
                    if (q is not null) a.FreePages(q, 1);
                    rcu.ReadUnlock();
                }
            }
            """;
        const string secondFixed = TestEnvironment.Usings + """
            class B
            {
                [RcuReadLockHeld]
                Page? M(PageAllocator a) => a.AllocPage(Gfp.Atomic | Gfp.HardWall);

                [AllocationHook]
                void Hook(PageAllocator a)
                {
                    var page = a.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page is not null)
                    {
                        a.ClearPageTagRef(page);
                        a.FreePage(page);
                    }
                }
            }
            """;
        await Fix.VerifyAsync([first, second], [firstFixed, secondFixed], Key, AtomicAllowed);
    }

    [Fact]
    public async Task Keeps_the_files_using_static_spelling()
    {
        const string source = "using static GfpAnalyzers.Runtime.Gfp;\n" + TestEnvironment.Usings + """
            class C
            {
                [AllocationHook]
                void Record(PageAllocator a) => a.AllocPage({|GFP001:DirectReclaim|});

                [RcuReadLockHeld]
                void Read(PageAllocator a) => a.AllocPage({|GFP001:NoIo | Zero|});
            }
            """;
        const string fixedSource = "using static GfpAnalyzers.Runtime.Gfp;\n" + TestEnvironment.Usings + """
            class C
            {
                [AllocationHook]
                void Record(PageAllocator a) => a.AllocPage(High | NoCodetag);

                [RcuReadLockHeld]
                void Read(PageAllocator a) => a.AllocPage(Atomic | Zero);
            }
            """;
        await Fix.VerifyAsync([source], [fixedSource], Key, AtomicAllowed);
    }

    [Fact]
    public async Task Qualifies_fully_where_the_file_has_no_using_for_the_runtime()
    {
        const string source = """
            class C
            {
                [GfpAnalyzers.Runtime.RcuReadLockHeld]
                void M(GfpAnalyzers.Runtime.PageAllocator a) => a.AllocPage({|GFP001:GfpAnalyzers.Runtime.Gfp.Kernel|});
            }
            """;
        const string fixedSource = """
            class C
            {
                [GfpAnalyzers.Runtime.RcuReadLockHeld]
                void M(GfpAnalyzers.Runtime.PageAllocator a) => a.AllocPage(GfpAnalyzers.Runtime.Gfp.High);
            }
            """;
        await Fix.VerifyAsync([source], [fixedSource], Key, EveryWakeupReported);
    }

    [Fact]
    public async Task Keeps_the_files_alias_for_Gfp()
    {
        const string source = "using G = GfpAnalyzers.Runtime.Gfp;\n" + TestEnvironment.Usings + """
            class C
            {
                [RcuReadLockHeld]
                void M(PageAllocator a) => a.AllocPage({|GFP001:G.Kernel|});
            }
            """;
        const string fixedSource = "using G = GfpAnalyzers.Runtime.Gfp;\n" + TestEnvironment.Usings + """
            class C
            {
                [RcuReadLockHeld]
                void M(PageAllocator a) => a.AllocPage(G.Atomic);
            }
            """;
        await Fix.VerifyAsync([source], [fixedSource], Key, AtomicAllowed);
    }

    [Fact]
    public async Task In_a_hook_not_offered_where_a_free_of_the_page_cannot_get_a_clear()
    {
        // Copying `Allocator()` into a clear would call it twice; without the clear the fix would trade GFP001 for GFP004.
        const string source = TestEnvironment.Usings + """
            class C
            {
                PageAllocator Allocator() => new();

                [AllocationHook]
                void M(PageAllocator a)
                {
                    var page = a.AllocPage({|GFP001:Gfp.Kernel|});
                    if (page is not null)
                        Allocator().FreePage(page);
                }
            }
            """;
        await Fix.VerifyNotOfferedAsync(source, Key);
    }

    [Fact]
    public async Task Outside_hooks_a_free_that_cannot_get_a_clear_does_not_matter()
    {
        // No NoCodetag, so no clear-before-free obligation: the page keeps its codetag.
        const string source = TestEnvironment.Usings + """
            class C
            {
                PageAllocator Allocator() => new();

                [RcuReadLockHeld]
                void M(PageAllocator a)
                {
                    var page = a.AllocPage({|GFP001:Gfp.Kernel|});
                    if (page is not null)
                        Allocator().FreePage(page);
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class C
            {
                PageAllocator Allocator() => new();

                [RcuReadLockHeld]
                void M(PageAllocator a)
                {
                    var page = a.AllocPage(Gfp.Atomic);
                    if (page is not null)
                        Allocator().FreePage(page);
                }
            }
            """;
        await Fix.VerifyAsync([source], [fixedSource], Key, AtomicAllowed);
    }

    [Fact]
    public async Task Not_offered_where_it_would_drop_a_call()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                Gfp Next() => Gfp.Kernel;

                [RcuReadLockHeld]
                void M(PageAllocator a) => a.AllocPage({|GFP001:Gfp.Kernel | Next()|});
            }
            """;
        await Fix.VerifyNotOfferedAsync(source, Key, AtomicAllowed);
    }

    [Theory]
    [InlineData("allocation_hooks", "[RcuReadLockHeld]", "Use Gfp.Atomic")]
    [InlineData("all", "[RcuReadLockHeld]", "Use Gfp.High")]
    [InlineData("allocation_hooks", "[AllocationHook]", "Use Gfp.High | Gfp.NoCodetag")]
    public async Task The_light_bulb_names_the_flags_it_writes(string scope, string attribute, string title)
    {
        var source = TestEnvironment.Usings + $$"""
            class C
            {
                {{attribute}}
                void M(PageAllocator a) => a.AllocPage({|GFP001:Gfp.Kernel|});
            }
            """;
        var test = new CSharpCodeFixVerifier<AllocationContextAnalyzer, GFP001SleepingAllocationInAtomicContextCodeFix>.Test
        {
            TestCode = source,
            FixedCode = source.Replace("{|GFP001:Gfp.Kernel|}", title["Use ".Length..], StringComparison.Ordinal),
            CodeActionEquivalenceKey = Key,
            CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title),
        };
        EditorConfig.Gfp002Scope(scope).AddTo(test.TestState);
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task In_a_hook_the_free_of_a_pattern_alias_gets_the_clear()
    {
        const string source = TestEnvironment.Usings + """
            class Tracker
            {
                [AllocationHook]
                void Record(PageAllocator a)
                {
                    var page = a.AllocPage({|GFP001:Gfp.Kernel|});
                    if (page is { } q)
                        a.FreePage(q);
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Tracker
            {
                [AllocationHook]
                void Record(PageAllocator a)
                {
                    var page = a.AllocPage(Gfp.High | Gfp.NoCodetag);
                    if (page is { } q)
                    {
                        a.ClearPageTagRef(q);
                        a.FreePage(q);
                    }
                }
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, Key);
    }
}
