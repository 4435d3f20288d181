using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>GFP002: KswapdReclaim from a constant reaches an allocation in atomic context (DirectReclaim does not).</summary>
public class GFP002KswapdWakeupInAtomicContextTests
{
    private const string Header = TestEnvironment.Usings;

    private const string HookAndSection = Header + """
        class C
        {
            [AllocationHook]
            void Record(PageAllocator a) => a.AllocPage({|#0:Gfp.NoWait | Gfp.NoCodetag|});

            void M(PageAllocator a, Rcu rcu)
            {
                using (rcu.ReadLock())
                {
                    a.AllocPage({|#1:Gfp.Atomic|});
                }
            }
        }
        """;

    [Fact]
    public async Task Scope_all_reports_Atomic_in_section_and_NoWait_in_hook()
    {
        var test = new VerifyCS.Test { TestCode = HookAndSection };
        Gfp002Scope.All(test.TestState);
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("GFP002").WithLocation(0).WithArguments("in allocation hook 'Record'", "Gfp.NoWait"));
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("GFP002").WithLocation(1).WithArguments("inside the RCU read-side section entered at line 9", "Gfp.Atomic"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Default_scope_reports_the_hook_but_not_Atomic_under_rcu_read_lock()
    {
        await VerifyCS.VerifyAnalyzerAsync(HookAndSection.Replace("{|#1:Gfp.Atomic|}", "Gfp.Atomic"),
            VerifyCS.Diagnostic("GFP002").WithLocation(0).WithArguments("in allocation hook 'Record'", "Gfp.NoWait"));
    }

    [Fact]
    public async Task Scope_option_limits_the_rule_to_allocation_hooks()
    {
        var test = new VerifyCS.Test { TestCode = HookAndSection.Replace("{|#1:Gfp.Atomic|}", "Gfp.Atomic") };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\ngfp_analyzers.GFP002.scope = allocation_hooks\n"));
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("GFP002").WithLocation(0).WithArguments("in allocation hook 'Record'", "Gfp.NoWait"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Sleeping_flags_get_GFP001_only()
    {
        const string source = Header + """
            class C
            {
                [RcuReadLockHeld]
                void M(PageAllocator a) => a.AllocPage({|#0:Gfp.Kernel|});
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic("GFP001").WithLocation(0).WithArguments("in method 'M' marked [RcuReadLockHeld]", "Gfp.Kernel"));
    }

    [Fact]
    public async Task Kernel_with_DirectReclaim_masked_off_still_wakes_kswapd()
    {
        const string source = Header + """
            class C
            {
                [RcuReadLockHeld]
                void M(PageAllocator a) => a.AllocPage({|#0:Gfp.Kernel & ~Gfp.DirectReclaim|});
            }
            """;
        var test = new VerifyCS.Test { TestCode = source };
        Gfp002Scope.All(test.TestState);
        test.ExpectedDiagnostics.Add(
            VerifyCS.Diagnostic("GFP002").WithLocation(0).WithArguments("in method 'M' marked [RcuReadLockHeld]", "Gfp.Kernel & ~Gfp.DirectReclaim"));
        await test.RunAsync();
    }

    [Fact]
    public async Task No_diagnostic_for_High_or_outside_atomic_context()
    {
        const string source = Header + """
            class C
            {
                [AllocationHook]
                void Record(PageAllocator a) => a.AllocPage(Gfp.High | Gfp.NoCodetag);

                void M(PageAllocator a) => a.AllocPage(Gfp.Atomic);
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public void Scope_option_key_is_the_documented_one()
    {
        Assert.Equal("gfp_analyzers.GFP002.scope", GfpAnalyzers.Analyzers.Options.GfpAnalyzerOptions.Gfp002ScopeKey);
        Assert.Equal(DiagnosticIds.KswapdWakeupInAtomicContext, GFP002KswapdWakeupInAtomicContext.Rule.Id);
    }
}
