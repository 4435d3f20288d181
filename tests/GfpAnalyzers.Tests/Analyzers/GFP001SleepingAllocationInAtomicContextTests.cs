using GfpAnalyzers.Tests.Verifiers;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>GFP001: DirectReclaim from a constant reaches an allocation in atomic context.</summary>
public class GFP001SleepingAllocationInAtomicContextTests
{
    // Line numbers in messages count the usings line the harness prepends (line 1).
    private const string Header = TestEnvironment.Usings;

    [Fact]
    public async Task Kernel_inside_using_ReadLock_block()
    {
        const string source = Header + """
            class C
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    using (rcu.ReadLock())
                    {
                        a.AllocPage({|#0:Gfp.Kernel|});
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("inside the RCU read-side section entered at line 6", "Gfp.Kernel"));
    }

    [Fact]
    public async Task Kernel_after_using_var_guard()
    {
        const string source = Header + """
            class C
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    using var guard = rcu.ReadLock();
                    a.AllocPages({|#0:Gfp.Kernel | Gfp.Zero|}, 2);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("inside the RCU read-side section entered at line 6", "Gfp.Kernel"));
    }

    [Fact]
    public async Task Explicit_lock_and_unlock_only_the_allocation_between_them()
    {
        const string source = Header + """
            class C
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    a.AllocPage(Gfp.Kernel);
                    rcu.ReadLock();
                    a.AllocPage({|#0:Gfp.Kernel|});
                    rcu.ReadUnlock();
                    a.AllocPage(Gfp.Kernel);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("inside the RCU read-side section entered at line 7", "Gfp.Kernel"));
    }

    [Fact]
    public async Task Conditional_lock_makes_the_allocation_a_bug_when_it_is_taken()
    {
        const string source = Header + """
            class C
            {
                void M(PageAllocator a, Rcu rcu, bool c)
                {
                    if (c) rcu.ReadLock();
                    a.AllocPage({|#0:Gfp.Kernel|});
                    if (c) rcu.ReadUnlock();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("inside the RCU read-side section entered at line 6", "Gfp.Kernel"));
    }

    [Fact]
    public async Task RcuReadLockHeld_method()
    {
        const string source = Header + """
            class C
            {
                [RcuReadLockHeld]
                Page? Refill(PageAllocator a) => a.AllocPage({|#0:Gfp.NoIo|});
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("in method 'Refill' marked [RcuReadLockHeld]", "Gfp.NoIo"));
    }

    [Fact]
    public async Task Allocation_hook()
    {
        const string source = Header + """
            class C
            {
                [AllocationHook]
                void Record(PageAllocator a) => a.AllocPage({|#0:Gfp.Kernel | Gfp.NoCodetag|});
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("in allocation hook 'Record'", "Gfp.Kernel"));
    }

    [Fact]
    public async Task Constant_reaching_through_a_local_on_one_branch_and_a_const_field()
    {
        const string source = Header + """
            class C
            {
                const Gfp TrackerGfp = Gfp.Kernel;

                void M(PageAllocator a, Rcu rcu, bool c)
                {
                    var flags = Gfp.Atomic;
                    if (c)
                    {
                        flags = TrackerGfp;
                    }

                    using (rcu.ReadLock())
                    {
                        a.AllocPage({|#0:flags|});
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("inside the RCU read-side section entered at line 14", "const 'TrackerGfp'"));
    }

    [Fact]
    public async Task Literal_and_loop_carried_value()
    {
        const string source = Header + """
            class C
            {
                void M(PageAllocator a, Rcu rcu, int n)
                {
                    Gfp flags = Gfp.High;
                    for (var i = 0; i < n; i++)
                    {
                        using (rcu.ReadLock())
                        {
                            a.AllocPage({|#0:flags|});
                        }

                        flags = (Gfp)0x400;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("inside the RCU read-side section entered at line 9", "0x400"));
    }

    [Fact]
    public async Task No_diagnostic_outside_any_section_or_after_it_ends()
    {
        const string source = Header + """
            class C
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    a.AllocPage(Gfp.Kernel);
                    using (rcu.ReadLock())
                    {
                        a.AllocPage(Gfp.High);
                    }

                    a.AllocPage(Gfp.Kernel);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task No_diagnostic_when_DirectReclaim_is_provably_cleared()
    {
        const string source = Header + """
            class C
            {
                void M(PageAllocator a, Rcu rcu, bool c)
                {
                    var flags = c ? Gfp.Kernel : Gfp.NoIo;
                    flags &= ~Gfp.Reclaim;
                    using (rcu.ReadLock())
                    {
                        a.AllocPage(flags | Gfp.High);
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task No_diagnostic_for_lambdas_and_local_functions_created_in_a_section()
    {
        const string source = Header + """
            class C
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    using (rcu.ReadLock())
                    {
                        System.Action later = () => a.AllocPage(Gfp.Kernel);
                        void Local() => a.AllocPage(Gfp.Kernel);
                        later();
                        Local();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Section_inside_a_lambda_is_analysed_as_its_own_method()
    {
        const string source = Header + """
            class C
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    System.Action work = () =>
                    {
                        using (rcu.ReadLock())
                        {
                            a.AllocPage({|#0:Gfp.Kernel|});
                        }
                    };
                    work();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("inside the RCU read-side section entered at line 8", "Gfp.Kernel"));
    }

    [Fact]
    public async Task Flags_chosen_on_the_same_condition_as_the_lock_count_only_where_the_lock_is_taken()
    {
        const string source = Header + """
            class C
            {
                void Sleeps(PageAllocator a, Rcu rcu, bool atomic)
                {
                    var flags = atomic ? Gfp.Kernel : Gfp.High;
                    if (atomic) rcu.ReadLock();
                    a.AllocPage({|#0:flags|});
                    if (atomic) rcu.ReadUnlock();
                }

                void Correlated(PageAllocator a, Rcu rcu, bool atomic)
                {
                    var flags = atomic ? Gfp.High : Gfp.Kernel;
                    if (atomic) rcu.ReadLock();
                    a.AllocPage(flags);
                    if (atomic) rcu.ReadUnlock();
                }

                void NegatedSection(PageAllocator a, Rcu rcu, bool blocking)
                {
                    Gfp flags = Gfp.High;
                    if (blocking)
                    {
                        flags = Gfp.Kernel;
                    }

                    if (!blocking)
                    {
                        using (rcu.ReadLock())
                        {
                            a.AllocPage(flags);
                        }
                    }
                }

                void ConditionChangedInBetween(PageAllocator a, Rcu rcu, bool blocking)
                {
                    var flags = blocking ? Gfp.Kernel : Gfp.High;
                    blocking = !blocking;
                    if (blocking)
                    {
                        using (rcu.ReadLock())
                        {
                            a.AllocPage({|#1:flags|});
                        }
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("inside the RCU read-side section entered at line 7", "Gfp.Kernel"),
            VerifyCS.Diagnostic("GFP001").WithLocation(1).WithArguments("inside the RCU read-side section entered at line 43", "Gfp.Kernel"));
    }

    [Fact]
    public async Task Try_finally_nesting_and_early_returns()
    {
        const string source = Header + """
            class C
            {
                void TryFinally(PageAllocator a, Rcu rcu)
                {
                    rcu.ReadLock();
                    try
                    {
                        a.AllocPage({|#0:Gfp.Kernel|});
                    }
                    finally
                    {
                        rcu.ReadUnlock();
                    }

                    a.AllocPage(Gfp.Kernel);
                }

                void Nested(PageAllocator a, Rcu rcu)
                {
                    using (rcu.ReadLock())
                    {
                        using (rcu.ReadLock())
                        {
                        }

                        a.AllocPage({|#1:Gfp.Kernel|});
                    }
                }

                void EarlyReturn(PageAllocator a, Rcu rcu, bool done)
                {
                    rcu.ReadLock();
                    if (done)
                    {
                        rcu.ReadUnlock();
                        return;
                    }

                    rcu.ReadUnlock();
                    a.AllocPage(Gfp.Kernel);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("inside the RCU read-side section entered at line 6", "Gfp.Kernel"),
            VerifyCS.Diagnostic("GFP001").WithLocation(1).WithArguments("inside the RCU read-side section entered at line 21", "Gfp.Kernel"));
    }
}
