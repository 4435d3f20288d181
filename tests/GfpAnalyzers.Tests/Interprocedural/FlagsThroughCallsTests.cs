using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.FlagsThroughCallsAnalyzer>;

namespace GfpAnalyzers.Tests.Interprocedural;

/// <summary>GFP002, GFP003 and GFP005 at calls whose flags reach an allocation inside the callee. Line 1 is the usings line.</summary>
public class FlagsThroughCallsTests
{
    private static string Code(string body) => TestEnvironment.Usings + body;

    private const string Helpers = """
            private readonly PageAllocator _a = new();
            private readonly Rcu _rcu = new();

            Page? Inner(Gfp gfp) => _a.AllocPage(gfp | Gfp.NoWarn);
            Page? Outer(Gfp gfp) => Inner(gfp & ~Gfp.HighMem);
            Page? Safe(Gfp gfp) => Inner(gfp & ~(Gfp.DirectReclaim | Gfp.KswapdReclaim | Gfp.NoFail | Gfp.ThisNode | Gfp.ZoneMask));
        """;

    [Fact]
    public async Task Inherited_flags_passed_into_a_helper_in_a_section_name_the_chain()
    {
        var source = Code($$"""
            class C
            {
            {{Helpers}}

                void M(Gfp gfp)
                {
                    using (_rcu.ReadLock())
                    {
                        {|#0:Outer(gfp)|};
                        Safe(gfp);
                    }
                    Outer(gfp);
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP003InheritedFlagsInAtomicContext.Rule).WithLocation(0).WithArguments(
                "inside the RCU read-side section entered at line 13",
                "Dma, Dma32, Movable, DirectReclaim, NoFail and ThisNode inherited from parameter 'gfp' reach AllocPage at line 7 through 'Outer' → 'Inner' → AllocPage"));
    }

    [Fact]
    public async Task Calls_are_judged_where_a_lock_helper_and_not_a_lock_call_of_the_body_opens_the_section()
    {
        // Only functions that may be atomic (AtomicContextCandidates) have their calls judged when no constant of the
        // body carries NoFail: here the body takes no lock itself, its helper does, and the call is still judged.
        var source = Code($$"""
            class C
            {
            {{Helpers}}
                private readonly KSpinLock _lock = new();

                void Take() => _lock.Lock();

                void Release() => _lock.Unlock();

                void M(Gfp gfp)
                {
                    Take();
                    {|#0:Outer(gfp)|};
                    Release();
                    Outer(gfp);
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP003InheritedFlagsInAtomicContext.Rule).WithLocation(0).WithArguments(
                "inside the spin_lock section of '_lock' entered at line 18",
                "Dma, Dma32, Movable, DirectReclaim, NoFail and ThisNode inherited from parameter 'gfp' reach AllocPage at line 7 through 'Outer' → 'Inner' → AllocPage"));
    }

    [Fact]
    public async Task Kswapd_from_a_constant_counts_in_hooks_and_not_under_an_ordinary_RCU_section_by_default()
    {
        var source = Code($$"""
            class C
            {
            {{Helpers}}

                [AllocationHook]
                void Hook()
                {
                    {|#0:Outer(Gfp.Atomic)|};
                    Outer(Gfp.High);
                }

                void Section()
                {
                    using (_rcu.ReadLock())
                    {
                        Outer(Gfp.Atomic);
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP002KswapdWakeupInAtomicContext.Rule).WithLocation(0).WithArguments(
                "in allocation hook 'Hook'",
                "Gfp.Atomic passed by this call, through 'Outer' → 'Inner' → AllocPage at line 7"));
    }

    [Fact]
    public async Task Kswapd_counts_in_every_section_under_scope_all()
    {
        var test = new VerifyCS.Test
        {
            TestCode = Code($$"""
                class C
                {
                {{Helpers}}

                    void Section()
                    {
                        using (_rcu.ReadLock())
                        {
                            {|#0:Outer(Gfp.Atomic)|};
                        }
                    }
                }
                """),
        };
        Gfp002Scope.All(test.TestState);
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(GFP002KswapdWakeupInAtomicContext.Rule).WithLocation(0).WithArguments(
            "inside the RCU read-side section entered at line 13",
            "Gfp.Atomic passed by this call, through 'Outer' → 'Inner' → AllocPage at line 7"));
        await test.RunAsync();
    }

    [Fact]
    public async Task NoFail_passed_to_a_helper_that_strips_DirectReclaim_is_reported_anywhere()
    {
        var source = Code("""
            class C
            {
                private readonly PageAllocator _a = new();

                Page? NoReclaim(Gfp gfp) => _a.AllocPage(gfp & ~Gfp.DirectReclaim);
                Page? Pass(Gfp gfp) => NoReclaim(gfp);
                Page? Keep(Gfp gfp) => _a.AllocPage(gfp);

                void M(Gfp unknown)
                {
                    {|#0:Pass(Gfp.Kernel | Gfp.NoFail)|};
                    Keep(Gfp.Kernel | Gfp.NoFail);
                    Pass(unknown);
                    NoReclaim(Gfp.Kernel);
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP005NoFailWithoutDirectReclaimAnalyzer.Rule).WithLocation(0).WithArguments(
                "Gfp.NoFail", " once it reaches AllocPage at line 6 through 'Pass' → 'NoReclaim' → AllocPage"));
    }

    [Fact]
    public async Task NoFail_from_a_constant_member_or_a_converted_integer_is_judged_outside_atomic_context()
    {
        // Calls outside atomic context are judged only in bodies where a constant may carry NoFail
        // (ConstantSourceBits): these are such bodies, though no NoFail literal is in the call.
        var source = Code("""
            class C
            {
                private static readonly Gfp Retrying = Gfp.Kernel | Gfp.NoFail;
                private readonly PageAllocator _a = new();

                Page? NoReclaim(Gfp gfp) => _a.AllocPage(gfp & ~Gfp.DirectReclaim);

                void FromMember()
                {
                    var flags = Retrying;
                    {|#0:NoReclaim(flags)|};
                }

                void FromInteger(Gfp gfp)
                {
                    int raw = (int)Gfp.NoFail;
                    {|#1:NoReclaim(gfp | (Gfp)raw)|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP005NoFailWithoutDirectReclaimAnalyzer.Rule).WithLocation(0).WithArguments(
                "readonly field 'Retrying'", " once it reaches AllocPage at line 7 through 'NoReclaim' → AllocPage"),
            VerifyCS.Diagnostic(GFP005NoFailWithoutDirectReclaimAnalyzer.Rule).WithLocation(1).WithArguments(
                "Gfp.NoFail", " once it reaches AllocPage at line 7 through 'NoReclaim' → AllocPage"));
    }

    [Fact]
    public async Task Sleeping_flags_are_left_to_GFP009_and_the_callees_own_flags_to_its_body()
    {
        var source = Code("""
            class C
            {
                private readonly PageAllocator _a = new();
                private readonly Rcu _rcu = new();
                private Gfp _field;

                Page? Pass(Gfp gfp) => _a.AllocPage(gfp);
                Page? Own(Gfp gfp) => _a.AllocPage(_field | Gfp.Atomic);

                [AllocationHook]
                void Hook(Gfp gfp)
                {
                    Pass(Gfp.Kernel);
                    Own(gfp);
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Unknown_callees_say_nothing()
    {
        var source = Code("""
            interface IGrow { Page? Grow(Gfp gfp); }

            class C
            {
                private readonly Rcu _rcu = new();

                void M(IGrow grow, System.Func<Gfp, Page?> callback, Gfp gfp)
                {
                    using (_rcu.ReadLock())
                    {
                        grow.Grow(gfp);
                        callback(gfp);
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
