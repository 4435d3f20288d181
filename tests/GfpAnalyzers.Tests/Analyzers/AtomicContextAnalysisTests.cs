using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Tests.Analyzers.AtomicContextProbeAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// The atomic-context analysis itself, through a probe that reports the context of every allocation and
/// Synchronize() call. Line numbers count the usings line as line 1.
/// </summary>
public class AtomicContextAnalysisTests
{
    private static DiagnosticResult Ctx(int location, string context)
        => VerifyCS.Diagnostic(AtomicContextProbeAnalyzer.Probe).WithLocation(location).WithArguments(context);

    private static DiagnosticResult Section(int location, int line) => Ctx(location, $"inside the RCU read-side section entered at line {line}");

    private static DiagnosticResult None(int location) => Ctx(location, "none");

    private static string Code(string body) => TestEnvironment.Usings + body;

    [Fact]
    public async Task Using_block_is_a_section_until_its_end()
    {
        var source = Code("""
            class C
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    {|#0:a.AllocPage(Gfp.Kernel)|};
                    using (rcu.ReadLock())
                    {
                        {|#1:a.AllocPage(Gfp.Kernel)|};
                    }
                    {|#2:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, None(0), Section(1, 7), None(2));
    }

    [Fact]
    public async Task Using_declaration_is_a_section_to_the_end_of_its_scope()
    {
        var source = Code("""
            class C
            {
                void M(PageAllocator a, Rcu rcu, bool c)
                {
                    if (c)
                    {
                        using var guard = rcu.ReadLock();
                        {|#0:a.AllocPage(Gfp.Kernel)|};
                    }
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Section(0, 8), None(1));
    }

    [Fact]
    public async Task Explicit_lock_and_unlock_bound_the_section()
    {
        var source = Code("""
            class C
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    rcu.ReadLock();
                    {|#0:a.AllocPage(Gfp.Kernel)|};
                    rcu.ReadUnlock();
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Section(0, 6), None(1));
    }

    [Fact]
    public async Task Nested_sections_end_with_the_outermost_unlock_and_name_the_outermost_lock()
    {
        var source = Code("""
            class C
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    rcu.ReadLock();
                    rcu.ReadLock();
                    rcu.ReadUnlock();
                    {|#0:a.AllocPage(Gfp.Kernel)|};
                    rcu.ReadUnlock();
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Section(0, 6), None(1));
    }

    [Fact]
    public async Task Unlock_in_finally_ends_the_section_on_every_path()
    {
        var source = Code("""
            class C
            {
                void M(PageAllocator a, Rcu rcu, bool c)
                {
                    rcu.ReadLock();
                    try
                    {
                        if (c)
                        {
                            return;
                        }
                        {|#0:a.AllocPage(Gfp.Kernel)|};
                    }
                    finally
                    {
                        rcu.ReadUnlock();
                    }
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Section(0, 6), None(1));
    }

    [Fact]
    public async Task Code_in_a_finally_runs_in_the_section_when_any_path_into_it_holds_the_lock()
    {
        var source = Code("""
            class C
            {
                void M(PageAllocator a, Rcu rcu, bool c)
                {
                    try
                    {
                        if (c)
                        {
                            rcu.ReadLock();
                            return;
                        }
                    }
                    finally
                    {
                        {|#0:a.AllocPage(Gfp.Kernel)|};
                    }
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        // The finally is reached holding the lock only from the return: the code after the try is not.
        await VerifyCS.VerifyAnalyzerAsync(source, Section(0, 10), None(1));
    }

    [Fact]
    public async Task Early_return_leaves_the_rest_outside_only_when_the_unlock_is_on_that_path()
    {
        var source = Code("""
            class C
            {
                void M(PageAllocator a, Rcu rcu, object? p)
                {
                    rcu.ReadLock();
                    if (p is null)
                    {
                        rcu.ReadUnlock();
                        {|#0:a.AllocPage(Gfp.Kernel)|};
                        return;
                    }
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                    rcu.ReadUnlock();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, None(0), Section(1, 6));
    }

    [Fact]
    public async Task Loop_body_is_in_the_section_from_the_second_iteration()
    {
        var source = Code("""
            class C
            {
                void M(PageAllocator a, Rcu rcu, int n)
                {
                    for (var i = 0; i < n; i++)
                    {
                        {|#0:a.AllocPage(Gfp.Kernel)|};
                        rcu.ReadLock();
                    }
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Section(0, 9), Section(1, 9));
    }

    [Fact]
    public async Task Balanced_lock_in_a_loop_leaves_the_code_after_the_loop_outside()
    {
        var source = Code("""
            class C
            {
                void M(PageAllocator a, Rcu rcu, int n)
                {
                    while (n-- > 0)
                    {
                        rcu.ReadLock();
                        {|#0:a.AllocPage(Gfp.Kernel)|};
                        if (n == 3)
                        {
                            rcu.ReadUnlock();
                            continue;
                        }
                        rcu.ReadUnlock();
                    }
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Section(0, 8), None(1));
    }

    [Fact]
    public async Task Conditional_lock_makes_the_code_after_it_a_section()
    {
        var source = Code("""
            class C
            {
                void M(PageAllocator a, Rcu rcu, bool c)
                {
                    if (c)
                        rcu.ReadLock();
                    {|#0:a.AllocPage(Gfp.Kernel)|};
                    if (c)
                        rcu.ReadUnlock();
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Section(0, 7), None(1));
    }

    [Fact]
    public async Task Correlated_flag_local_balances_lock_and_unlock()
    {
        var source = Code("""
            class C
            {
                void M(PageAllocator a, Rcu rcu, object? p)
                {
                    var locked = false;
                    if (p is not null)
                    {
                        rcu.ReadLock();
                        locked = true;
                    }
                    {|#0:a.AllocPage(Gfp.Kernel)|};
                    if (locked)
                    {
                        rcu.ReadUnlock();
                    }
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Section(0, 9), None(1));
    }

    [Fact]
    public async Task Condition_reassigned_between_lock_and_unlock_is_not_trusted()
    {
        var source = Code("""
            class C
            {
                void M(PageAllocator a, Rcu rcu, bool c, bool d)
                {
                    if (c)
                        rcu.ReadLock();
                    c = d;
                    if (c)
                        rcu.ReadUnlock();
                    {|#0:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Section(0, 7));
    }

    [Fact]
    public async Task Negated_condition_is_correlated_too()
    {
        var source = Code("""
            class C
            {
                void M(PageAllocator a, Rcu rcu, bool atomic)
                {
                    if (!atomic)
                        rcu.ReadLock();
                    if (!atomic)
                        rcu.ReadUnlock();
                    {|#0:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, None(0));
    }

    [Fact]
    public async Task RcuReadLockHeld_method_is_atomic_until_it_releases_the_callers_lock()
    {
        var source = Code("""
            class C
            {
                [RcuReadLockHeld]
                void M(PageAllocator a, Rcu rcu)
                {
                    {|#0:a.AllocPage(Gfp.Kernel)|};
                    rcu.ReadUnlock();
                    {|#1:rcu.Synchronize()|};
                    rcu.ReadLock();
                    {|#2:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Ctx(0, "in method 'M' marked [RcuReadLockHeld]"), None(1), Section(2, 10));
    }

    [Fact]
    public async Task AllocationHook_method_is_atomic_everywhere()
    {
        var source = Code("""
            class C
            {
                [AllocationHook]
                void Record(PageAllocator a, Rcu rcu)
                {
                    {|#0:a.AllocPage(Gfp.High | Gfp.NoCodetag)|};
                    using (rcu.ReadLock()) { }
                    {|#1:a.AllocPage(Gfp.High | Gfp.NoCodetag)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Ctx(0, "in allocation hook 'Record'"), Ctx(1, "in allocation hook 'Record'"));
    }

    [Fact]
    public async Task RcuReadLockHeld_on_a_property_covers_its_accessor()
    {
        var source = Code("""
            class C
            {
                PageAllocator a = new();

                [RcuReadLockHeld]
                Page? Current => {|#0:a.AllocPage(Gfp.Atomic)|};
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Ctx(0, "in method 'Current' marked [RcuReadLockHeld]"));
    }

    [Fact]
    public async Task Lambda_and_local_function_created_in_a_section_are_not_in_it()
    {
        var source = Code("""
            using System;
            class C
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    using (rcu.ReadLock())
                    {
                        Func<Page?> later = () => {|#0:a.AllocPage(Gfp.Kernel)|};
                        Page? Local() => {|#1:a.AllocPage(Gfp.Kernel)|};
                        {|#2:a.AllocPage(Gfp.Kernel)|};
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, None(0), None(1), Section(2, 7));
    }

    [Fact]
    public async Task Lambda_with_its_own_lock_and_local_function_with_its_own_attribute_are_analysed_on_their_own()
    {
        var source = Code("""
            using System;
            class C
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    Action run = () =>
                    {
                        rcu.ReadLock();
                        {|#0:a.AllocPage(Gfp.Kernel)|};
                        rcu.ReadUnlock();
                    };
                    [RcuReadLockHeld]
                    void Held() => {|#1:a.AllocPage(Gfp.Kernel)|};
                    {|#2:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Section(0, 9), Ctx(1, "in method 'Held' marked [RcuReadLockHeld]"), None(2));
    }

    [Fact]
    public async Task Exception_inside_the_section_reaches_the_catch_holding_the_lock()
    {
        var source = Code("""
            using System;
            class C
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    try
                    {
                        rcu.ReadLock();
                        {|#0:a.AllocPage(Gfp.Atomic)|};
                        rcu.ReadUnlock();
                    }
                    catch (InvalidOperationException)
                    {
                        {|#1:a.AllocPage(Gfp.Kernel)|};
                        throw;
                    }
                    {|#2:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Section(0, 9), Section(1, 9), None(2));
    }

    [Fact]
    public async Task Exception_leaving_a_section_through_its_finally_reaches_the_catch_unlocked()
    {
        var source = Code("""
            using System;
            class C
            {
                void Work() { }

                void M(PageAllocator a, Rcu rcu)
                {
                    try
                    {
                        using (rcu.ReadLock())
                        {
                            Work();
                        }

                        try
                        {
                            rcu.ReadLock();
                            Work();
                        }
                        finally
                        {
                            rcu.ReadUnlock();
                        }
                    }
                    catch (InvalidOperationException)
                    {
                        {|#0:a.AllocPage(Gfp.Kernel)|};
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, None(0));
    }

    [Fact]
    public async Task Finally_reached_from_two_exits_sends_each_path_back_to_its_own_exit()
    {
        var source = Code("""
            class C
            {
                int _n;

                void M(PageAllocator a, Rcu rcu, bool c)
                {
                    while (true)
                    {
                        try
                        {
                            if (c)
                            {
                                rcu.ReadLock();
                                break;
                            }
                            continue;
                        }
                        finally
                        {
                            _n++;
                        }
                    }
                    {|#0:a.AllocPage(Gfp.Kernel)|};
                    rcu.ReadUnlock();
                }

                void N(PageAllocator a, Rcu rcu, bool c)
                {
                    while (c)
                    {
                        try
                        {
                            if (_n > 3)
                                break;
                            rcu.ReadLock();
                            continue;
                        }
                        finally
                        {
                            _n++;
                            rcu.ReadUnlock();
                        }
                    }
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Section(0, 14), None(1));
    }

    [Fact]
    public async Task Lock_taken_in_the_same_statement_counts_from_the_next_argument()
    {
        var source = Code("""
            class C
            {
                void Use(RcuReadGuard g, Page? p) { }

                void M(PageAllocator a, Rcu rcu)
                {
                    Use(rcu.ReadLock(), {|#0:a.AllocPage(Gfp.Kernel)|});
                    rcu.ReadUnlock();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Section(0, 8));
    }

    [Fact]
    public async Task Explicit_guard_dispose_ends_the_section()
    {
        var source = Code("""
            class C
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    var guard = rcu.ReadLock();
                    {|#0:a.AllocPage(Gfp.Atomic)|};
                    guard.Dispose();
                    {|#1:a.AllocPage(Gfp.Kernel)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Section(0, 6), None(1));
    }

    [Fact]
    public async Task Return_value_inside_a_section_is_in_it()
    {
        var source = Code("""
            class C
            {
                Page? M(PageAllocator a, Rcu rcu)
                {
                    using (rcu.ReadLock())
                    {
                        return {|#0:a.AllocPage(Gfp.Atomic)|};
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Section(0, 6));
    }

    [Fact]
    public async Task Code_under_a_false_constant_is_in_no_context()
    {
        // A translated IS_ENABLED(CONFIG_...) is a const bool: the code under it never runs.
        var source = Code("""
            class C
            {
                private const bool Debug = false;

                void M(PageAllocator a, Rcu rcu)
                {
                    using (rcu.ReadLock())
                    {
                        if (Debug) {|#0:a.AllocPage(Gfp.Kernel)|};
                        if (false) {|#1:a.AllocPage(Gfp.Kernel)|};
                        if (!Debug) {|#2:a.AllocPage(Gfp.Kernel)|};
                    }
                }

                [AllocationHook]
                void Hook(ulong pfn, Gfp gfp)
                {
                    if (Debug) {|#3:a2.AllocPage(Gfp.Kernel)|};
                }

                private readonly PageAllocator a2 = new();
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, None(0), None(1), Section(2, 8), None(3));
    }

    [Fact]
    public async Task Return_under_a_false_constant_does_not_leave_the_section()
    {
        var source = Code("""
            class C
            {
                private const bool Debug = false;

                void M(PageAllocator a, Rcu rcu)
                {
                    rcu.ReadLock();
                    if (Debug)
                    {
                        rcu.ReadUnlock();
                        return;
                    }

                    {|#0:a.AllocPage(Gfp.Kernel)|};
                    rcu.ReadUnlock();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Section(0, 8));
    }

    [Fact]
    public async Task Code_installed_with_SetEarlyAllocHook_is_an_allocation_hook_without_the_attribute()
    {
        // The runtime calls the early-allocation hook inside the allocator, under rcu_read_lock().
        var source = Code("""
            class C
            {
                private readonly PageAllocator a = new();

                public void Install() => a.SetEarlyAllocHook(Record);
                public void InstallLambda() => a.SetEarlyAllocHook((pfn, gfp) => {|#0:a.AllocPage(Gfp.Kernel)|});
                public EarlyAllocHook Stored() => new EarlyAllocHook(Explicit);

                private void Record(ulong pfn, Gfp gfp) => {|#1:a.AllocPage(gfp.AllowsBlocking() ? Gfp.Kernel : Gfp.Atomic)|};
                private void Explicit(ulong pfn, Gfp gfp) => {|#2:a.AllocPage(Gfp.Kernel)|};
                private void SameShapeNeverInstalled(ulong pfn, Gfp gfp) => {|#3:a.AllocPage(Gfp.Kernel)|};
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Ctx(0, "in the allocation hook lambda at line 7"), Ctx(1, "in allocation hook 'Record'"),
            Ctx(2, "in allocation hook 'Explicit'"), None(3));
    }

    [Fact]
    public async Task Attributed_lambdas_are_named_by_their_line()
    {
        var source = Code("""
            using System;
            class C
            {
                private readonly PageAllocator a = new();

                public EarlyAllocHook Hook() => [AllocationHook] (ulong pfn, Gfp gfp) => { {|#0:a.AllocPage(Gfp.High)|}; };
                public Action<Gfp> Held() => [RcuReadLockHeld] (Gfp g) => { {|#1:a.AllocPage(Gfp.Kernel)|}; };
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Ctx(0, "in the allocation hook lambda at line 7"), Ctx(1, "in the lambda at line 8 marked [RcuReadLockHeld]"));
    }
}
