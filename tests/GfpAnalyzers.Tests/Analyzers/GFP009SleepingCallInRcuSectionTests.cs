using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP009SleepingCallInRcuSectionAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>GFP009: calls that may sleep in atomic context, directly or through summaries. Line 1 is the usings line.</summary>
public class GFP009SleepingCallInRcuSectionTests
{
    private static DiagnosticResult Direct(int location, string call, string context, string why)
        => VerifyCS.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(location).WithArguments(Opening(call), context, why);

    private static DiagnosticResult Summary(int location, string call, string context, string why)
        => VerifyCS.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(location).WithArguments(Opening(call), context, why);

    /// <summary>A method is "Call to 'M'"; a property access is passed in full ("Reading property 'P'").</summary>
    private static string Opening(string call) => call.Contains(' ') ? call : $"Call to '{call}'";

    private static string Section(int line) => $"inside the RCU read-side section entered at line {line}";

    private const string GracePeriod = "it blocks until a grace period ends";

    private static string Code(string body) => TestEnvironment.Usings + body;

    [Fact]
    public async Task A_sleeping_call_between_an_acquire_helper_and_its_release_helper_is_reported()
    {
        // The method itself calls no lock primitive: its section comes from its helpers (__acquires / __releases).
        var source = Code("""
            class C
            {
                readonly KSpinLock _lock = new();
                readonly Rcu _rcu = new();

                [AcquiresLock(nameof(_lock))]
                void Take() { _lock.Lock(); }

                [ReleasesLock(nameof(_lock))]
                void Drop() { _lock.Unlock(); }

                void M()
                {
                    Take();
                    {|#0:_rcu.Synchronize()|};
                    Drop();
                    _rcu.Synchronize();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Direct(0, "Rcu.Synchronize()", "inside the spin_lock section of '_lock' entered at line 15", GracePeriod));
    }

    [Fact]
    public async Task Synchronize_inside_a_using_section_is_reported()
    {
        var source = Code("""
            class C
            {
                void M(Rcu rcu)
                {
                    using (rcu.ReadLock())
                    {
                        {|#0:rcu.Synchronize()|};
                    }
                    rcu.Synchronize();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Direct(0, "Rcu.Synchronize()", Section(6), GracePeriod));
    }

    [Fact]
    public async Task MightSleep_method_between_explicit_lock_and_unlock_is_reported()
    {
        var source = Code("""
            class C
            {
                [MightSleep]
                static void Wait() { }

                void M(Rcu rcu)
                {
                    rcu.ReadLock();
                    {|#0:Wait()|};
                    rcu.ReadUnlock();
                    Wait();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Direct(0, "Wait", Section(9), "'Wait' is marked [MightSleep]"));
    }

    [Fact]
    public async Task Synchronize_in_RcuReadLockHeld_method_and_allocation_hook_is_reported_with_that_context()
    {
        var source = Code("""
            class C
            {
                [RcuReadLockHeld]
                void Held(Rcu rcu) => {|#0:rcu.Synchronize()|};

                [AllocationHook]
                void Record(Rcu rcu) => {|#1:rcu.Synchronize()|};
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Direct(0, "Rcu.Synchronize()", "in method 'Held' marked [RcuReadLockHeld]", GracePeriod),
            Direct(1, "Rcu.Synchronize()", "in allocation hook 'Record'", GracePeriod));
    }

    [Fact]
    public async Task Method_that_calls_Synchronize_is_reported_with_the_chain()
    {
        var source = Code("""
            class C
            {
                Rcu _rcu = new();

                void Flush() => _rcu.Synchronize();

                void M()
                {
                    using (_rcu.ReadLock())
                    {
                        {|#0:Flush()|};
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Summary(0, "Flush", Section(10), "'Flush' calls 'Rcu.Synchronize()'"));
    }

    [Fact]
    public async Task Chain_through_two_levels_of_calls_is_named()
    {
        var source = Code("""
            class C
            {
                [MightSleep]
                static void Wait() { }

                static void Drain() => Wait();

                static void Outer(int n)
                {
                    if (n > 0)
                        Drain();
                }

                [RcuReadLockHeld]
                void M() => {|#0:Outer(1)|};
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Summary(0, "Outer", "in method 'M' marked [RcuReadLockHeld]", "'Outer' calls 'Drain', which calls 'Wait', which is marked [MightSleep]"));
    }

    [Fact]
    public async Task Method_that_allocates_with_a_sleeping_constant_is_reported_with_the_line()
    {
        var source = Code("""
            class C
            {
                PageAllocator _allocator = new();

                Page? Grow(bool atomic)
                {
                    var gfp = atomic ? Gfp.Atomic : Gfp.Kernel;
                    return _allocator.AllocPage(gfp);
                }

                [AllocationHook]
                void Record() => {|#0:Grow(true)|};
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Summary(0, "Grow", "in allocation hook 'Record'", "'Grow' allocates with Gfp.Kernel at line 9"));
    }

    [Fact]
    public async Task Method_that_allocates_without_DirectReclaim_is_not_reported()
    {
        var source = Code("""
            class C
            {
                PageAllocator _allocator = new();

                Page? Grow() => _allocator.AllocPage(Gfp.High | Gfp.NoCodetag);

                Page? Pass(Gfp gfp) => _allocator.AllocPage(gfp & ~Gfp.DirectReclaim);

                [AllocationHook]
                void Record(Gfp gfp)
                {
                    Grow();
                    Pass(gfp);
                    Pass(Gfp.Kernel);
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Passing_sleeping_flags_to_a_method_that_allocates_with_them_is_reported()
    {
        var source = Code("""
            class C
            {
                PageAllocator _allocator = new();

                Page? Grow(int order, Gfp gfp) => _allocator.AllocPages(gfp | Gfp.NoWarn, order);

                [AllocationHook]
                void Record()
                {
                    {|#0:Grow(0, Gfp.Kernel)|};
                    Grow(0, Gfp.High | Gfp.NoCodetag);
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Summary(0, "Grow", "in allocation hook 'Record'", "'Grow' allocates with its parameter 'gfp' at line 6, and this call passes Gfp.Kernel"));
    }

    [Fact]
    public async Task Recursion_without_sleep_ends_and_says_nothing()
    {
        var source = Code("""
            class C
            {
                int A(int n) => n <= 0 ? 0 : B(n - 1) + A(n - 1);

                int B(int n) => n <= 0 ? 1 : A(n - 1);

                [RcuReadLockHeld]
                int M() => A(10);
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Recursion_that_reaches_a_sleep_is_reported()
    {
        var source = Code("""
            class C
            {
                Rcu _rcu = new();

                void A(int n)
                {
                    if (n > 0)
                        B(n - 1);
                }

                void B(int n)
                {
                    A(n);
                    if (n == 3)
                        _rcu.Synchronize();
                }

                [RcuReadLockHeld]
                void M() => {|#0:A(10)|};
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Summary(0, "A", "in method 'M' marked [RcuReadLockHeld]", "'A' calls 'B', which calls 'Rcu.Synchronize()'"));
    }

    [Fact]
    public async Task Local_function_that_sleeps_is_reported_when_called_in_the_section()
    {
        var source = Code("""
            class C
            {
                void M(Rcu rcu)
                {
                    void Settle() => rcu.Synchronize();

                    rcu.ReadLock();
                    {|#0:Settle()|};
                    rcu.ReadUnlock();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Summary(0, "Settle", Section(8), "'Settle' calls 'Rcu.Synchronize()'"));
    }

    [Fact]
    public async Task Sleeping_call_outside_the_section_or_on_the_other_branch_is_not_reported()
    {
        var source = Code("""
            class C
            {
                void M(Rcu rcu, bool atomic)
                {
                    if (atomic)
                        rcu.ReadLock();
                    if (!atomic)
                        rcu.Synchronize();
                    if (atomic)
                        rcu.ReadUnlock();
                    rcu.Synchronize();
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Deferred_and_delegate_calls_are_not_reported()
    {
        var source = Code("""
            using System;
            class C
            {
                Rcu _rcu = new();

                void Flush() => _rcu.Synchronize();

                void Later(Action a) => a();

                void M(Action callback)
                {
                    using (_rcu.ReadLock())
                    {
                        Action deferred = () => _rcu.Synchronize();
                        Later(() => Flush());
                        callback();
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Allocations_in_the_section_are_left_to_GFP001()
    {
        var source = Code("""
            class C
            {
                void M(Rcu rcu, PageAllocator a)
                {
                    using (rcu.ReadLock())
                    {
                        a.AllocPage(Gfp.Kernel);
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Sleeping_constructor_and_property_are_calls_too()
    {
        var source = Code("""
            class Buffer
            {
                public Buffer(Rcu rcu) => rcu.Synchronize();
            }

            class C
            {
                [MightSleep]
                int Pending => 0;

                [RcuReadLockHeld]
                int M(Rcu rcu)
                {
                    var b = {|#0:new Buffer(rcu)|};
                    return {|#1:Pending|};
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Summary(0, "Buffer", "in method 'M' marked [RcuReadLockHeld]", "'Buffer' calls 'Rcu.Synchronize()'"),
            Direct(1, "Reading property 'Pending'", "in method 'M' marked [RcuReadLockHeld]", "'Pending' is marked [MightSleep]"));
    }

    [Fact]
    public async Task Code_that_does_not_bind_gets_no_diagnostic()
    {
        var test = new VerifyCS.Test
        {
            TestCode = Code("""
                class C
                {
                    void M(Rcu rcu)
                    {
                        using (rcu.ReadLock())
                        {
                            rcu.Synchronise();
                            Flush(
                            undefined.Synchronize();
                        }
                    }

                    [RcuReadLockHeld]
                    void N() => Missing();
                }
                """),
            CompilerDiagnostics = CompilerDiagnostics.None,
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task Sleeping_code_under_a_false_constant_is_not_reported_here_or_through_a_summary()
    {
        var source = Code("""
            class C
            {
                private const bool Debug = false;
                private readonly PageAllocator a = new();

                void Check(Rcu rcu)
                {
                    if (Debug) rcu.Synchronize();
                    if (false) a.AllocPage(Gfp.Kernel);
                }

                void M(Rcu rcu)
                {
                    using (rcu.ReadLock())
                    {
                        if (Debug) rcu.Synchronize();
                        Check(rcu);
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task A_helper_that_sleeps_only_when_its_gfp_allows_blocking_is_judged_by_the_argument()
    {
        // The kernel's gfp-taking helper: `if (gfpflags_allow_blocking(gfp)) GFP_KERNEL else GFP_ATOMIC`.
        var source = Code("""
            class C
            {
                private readonly PageAllocator a = new();

                Page? GrowGuarded(Gfp gfp) => gfp.AllowsBlocking() ? a.AllocPage(Gfp.Kernel) : a.AllocPage(Gfp.Atomic);

                Page? GrowIf(Gfp gfp)
                {
                    if ((gfp & Gfp.DirectReclaim) == 0)
                    {
                        return a.AllocPage(Gfp.Atomic);
                    }

                    return a.AllocPage(Gfp.Kernel);
                }

                Page? Reassigned(Gfp gfp)
                {
                    gfp = Gfp.Kernel;
                    return gfp.AllowsBlocking() ? a.AllocPage(Gfp.Kernel) : null;
                }

                void M(Rcu rcu, Gfp unknown)
                {
                    using (rcu.ReadLock())
                    {
                        GrowGuarded(Gfp.Atomic);
                        GrowIf(Gfp.NoWait);
                        GrowGuarded(unknown);
                        {|#0:GrowGuarded(Gfp.Kernel)|};
                        {|#1:GrowIf(Gfp.Kernel)|};
                        {|#2:Reassigned(Gfp.Atomic)|};
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Summary(0, "GrowGuarded", Section(26), "'GrowGuarded' allocates with Gfp.Kernel at line 6 when its parameter 'gfp' allows blocking, and this call passes Gfp.Kernel"),
            Summary(1, "GrowIf", Section(26), "'GrowIf' allocates with Gfp.Kernel at line 15 when its parameter 'gfp' allows blocking, and this call passes Gfp.Kernel"),
            Summary(2, "Reassigned", Section(26), "'Reassigned' allocates with Gfp.Kernel at line 21"));
    }

    [Fact]
    public async Task A_RcuReadLockHeld_helper_that_drops_the_lock_to_sleep_does_not_sleep_in_its_callers_section()
    {
        var source = Code("""
            class C
            {
                private readonly PageAllocator a = new();
                private readonly Rcu rcu = new();

                [RcuReadLockHeld]
                void Unlocks() { rcu.ReadUnlock(); a.AllocPage(Gfp.Kernel); rcu.Synchronize(); rcu.ReadLock(); }

                [RcuReadLockHeld]
                void SleepsFirst() { {|#1:rcu.Synchronize()|}; rcu.ReadUnlock(); rcu.ReadLock(); }

                void Caller()
                {
                    rcu.ReadLock();
                    Unlocks();
                    SleepsFirst();
                    rcu.ReadUnlock();
                }
            }
            """);
        // SleepsFirst's sleep under its caller's lock is reported inside it, once: not again at the caller's call.
        await VerifyCS.VerifyAnalyzerAsync(source,
            Direct(1, "Rcu.Synchronize()", "in method 'SleepsFirst' marked [RcuReadLockHeld]", GracePeriod));
    }

    [Fact]
    public async Task Sleeping_allocations_in_initializers_are_summarised_without_a_method()
    {
        // A field or property initializer has a graph but no method symbol (and no parameters to guard on).
        var source = Code("""
            class C
            {
                private static readonly PageAllocator S = new();
                private readonly Page? _field = S.AllocPage(Gfp.Kernel);
                private Page? Property { get; } = S.AllocPage(Gfp.Kernel);
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
