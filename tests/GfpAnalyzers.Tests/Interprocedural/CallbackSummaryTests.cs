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

    private static DiagnosticResult MethodGroup(int location, string method, string when, string why)
        => VerifyCS.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(location).WithArguments($"Method '{method}'", when, why);

    private const string UnderLock = "inside the spin_lock section of '_lock' entered at line 9";

    [Fact]
    public async Task A_method_group_the_callee_invokes_under_its_spinlock_is_reported_once_at_the_group_naming_the_context()
    {
        var source = Code(Walkers + """

                void Visit(int i) => _rcu.Synchronize();

                void M()
                {
                    ForEachLocked({|#0:Visit|});
                    Outer({|#1:Visit|});
                    Unlocked(Visit);
                    Stored(Visit);
                    Visit(4);
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            MethodGroup(0, "Visit", $"when 'C.ForEachLocked' invokes it {UnderLock}", "'Visit' calls 'Rcu.Synchronize()'"),
            MethodGroup(1, "Visit", $"when 'C.Outer' invokes it through 'ForEachLocked' {UnderLock}", "'Visit' calls 'Rcu.Synchronize()'"));
    }

    [Fact]
    public async Task A_method_group_that_allocates_with_sleeping_flags_or_is_marked_MightSleep_is_reported()
    {
        var source = Code(Walkers + """

                void Grow(int i) => _a.AllocPage(Gfp.Kernel);
                void Fill(int i) => _a.AllocPage(Gfp.Atomic);
                [MightSleep] void Wait(int i) { }

                void M(KernelLog log)
                {
                    ForEachLocked({|#0:Grow|});
                    ForEachLocked(Fill);
                    ForEachLocked({|#1:Wait|});
                    Interrupts.RunHardirq({|#2:Drain|}, log);
                }

                void Drain() => Grow(0);
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            MethodGroup(0, "Grow", $"when 'C.ForEachLocked' invokes it {UnderLock}", "'Grow' allocates with Gfp.Kernel at line 13"),
            MethodGroup(1, "Wait", $"when 'C.ForEachLocked' invokes it {UnderLock}", "'Wait' is marked [MightSleep]"),
            MethodGroup(2, "Drain", "when 'Interrupts.RunHardirq' invokes it in atomic context", "'Drain' calls 'Grow', which allocates with Gfp.Kernel at line 13"));
    }

    [Fact]
    public async Task A_method_group_whose_sleep_depends_on_its_arguments_is_reported_as_may()
    {
        // Nobody here knows the argument the walker will pass: the sleep on one value of it stays possible.
        var source = Code(Walkers + """

                void Maybe(int i) { if (i == 7) _rcu.Synchronize(); }

                void M() => ForEachLocked({|#0:Maybe|});
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            MethodGroup(0, "Maybe", $"when 'C.ForEachLocked' invokes it {UnderLock}", "'Maybe' calls 'Rcu.Synchronize()'"));
    }

    [Fact]
    public async Task Method_groups_that_are_atomic_themselves_virtual_or_harmless_are_not_reported_at_the_group()
    {
        // OnTick's sleep is reported inside it (it is [RunsInAtomicContext]) and not again where it is passed.
        var source = Code(Walkers + """

                [RunsInAtomicContext]
                void OnTick(int i) => {|#0:_rcu.Synchronize()|};
                protected virtual void Hook(int i) => _rcu.Synchronize();
                void Count(int i) { }

                void M()
                {
                    ForEachLocked(OnTick);
                    ForEachLocked(Hook);
                    ForEachLocked(Count);
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(0)
                .WithArguments("Call to 'Rcu.Synchronize()'", "in method 'OnTick' marked [RunsInAtomicContext]", "it blocks until a grace period ends"));
    }
}
