using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyAllocation = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP009SleepingCallInRcuSectionAnalyzer>;

namespace GfpAnalyzers.Tests.Interprocedural;

/// <summary>
/// Callbacks: a lambda passed to a parameter that the callee (at any depth) invokes inside an atomic section runs in that
/// context, without an attribute. Line 1 is the usings line.
/// </summary>
public class CallbackSummaryTests
{
    private static string Code(string body) => TestEnvironment.Usings + "using System;\n" + body;

    private const string Walkers = """
        class C
        {
            private readonly KSpinLock _lock = new();
            private readonly Rcu _rcu = new();
            private readonly PageAllocator _a = new();

            void ForEachLocked(Action<int> visit) { _lock.Lock(); visit(1); _lock.Unlock(); }
            void Outer(Action<int> visit) => ForEachLocked(visit);
            void Unlocked(Action<int> visit) => visit(2);
            void Stored(Action<int> visit) { _lock.Lock(); _lock.Unlock(); visit(3); }
        """;

    [Fact]
    public async Task A_lambda_the_callee_invokes_under_its_spinlock_runs_in_atomic_context_at_any_depth()
    {
        var source = Code(Walkers + """

                void M()
                {
                    ForEachLocked(i => {|#0:_rcu.Synchronize()|});
                    Outer(i => {|#1:_rcu.Synchronize()|});
                    Unlocked(i => _rcu.Synchronize());
                    Stored(i => _rcu.Synchronize());
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(0)
                .WithArguments("Call to 'Rcu.Synchronize()'", "in the lambda at line 15, which 'C.ForEachLocked' invokes in atomic context", "it blocks until a grace period ends"),
            VerifyCS.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(1)
                .WithArguments("Call to 'Rcu.Synchronize()'", "in the lambda at line 16, which 'C.Outer' invokes in atomic context", "it blocks until a grace period ends"));
    }

    [Fact]
    public async Task Allocations_in_such_a_lambda_are_judged_in_that_context()
    {
        var source = Code(Walkers + """

                void M()
                {
                    ForEachLocked(i => _a.AllocPage({|#0:Gfp.Kernel|}));
                    ForEachLocked(i => _a.AllocPage(Gfp.Atomic));
                    Unlocked(i => _a.AllocPage(Gfp.Kernel));
                }
            }
            """);
        await VerifyAllocation.VerifyAnalyzerAsync(source,
            VerifyAllocation.Diagnostic(GFP001SleepingAllocationInAtomicContext.Rule).WithLocation(0)
                .WithArguments("in the lambda at line 15, which 'C.ForEachLocked' invokes in atomic context", "Gfp.Kernel"));
    }
}
