using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP009SleepingCallInRcuSectionAnalyzer>;

namespace GfpAnalyzers.Tests.Interprocedural;

/// <summary>GFP009 through summaries: depth, masks, conditions on the arguments, recursion, shapes of callees. Line 1 is the usings line.</summary>
public class GFP009ThroughCallsTests
{
    private static DiagnosticResult Sleeps(int location, string call, string context, string why)
        => VerifyCS.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(location).WithArguments($"Call to '{call}'", context, why);

    private static string Section(int line) => $"inside the RCU read-side section entered at line {line}";

    private static string Code(string body) => TestEnvironment.Usings + body;

    /// <summary>A chain of <paramref name="depth"/> methods L1 → … → Ln passing gfp down; Ln allocates with it.</summary>
    private static string Chain(int depth, int maskedAt = 0, string mask = "Gfp.DirectReclaim")
    {
        var methods = new List<string>();
        for (var level = 1; level <= depth; level++)
        {
            var passed = level == maskedAt ? $"gfp & ~{mask}" : "gfp";
            methods.Add(level == depth
                ? $"    Page? L{level}(Gfp gfp) => _a.AllocPage({passed});"
                : $"    Page? L{level}(Gfp gfp) => L{level + 1}({passed});");
        }

        return string.Join("\n", methods);
    }

    private static string ChainProgram(int depth, int maskedAt = 0, string mask = "Gfp.DirectReclaim") => Code($$"""
        class C
        {
            private readonly PageAllocator _a = new();
            private readonly Rcu _rcu = new();
        {{Chain(depth, maskedAt, mask)}}

            void M()
            {
                using (_rcu.ReadLock())
                {
                    {|#0:L1(Gfp.Kernel)|};
                    L1(Gfp.Atomic);
                }
            }
        }
        """);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public async Task Sleeping_flags_reach_the_allocation_through_any_depth(int depth)
    {
        var allocationLine = 5 + depth;
        var why = depth == 1
            ? $"'L1' allocates with its parameter 'gfp' at line {allocationLine}, and this call passes Gfp.Kernel"
            : $"'L1' passes its parameter 'gfp' through {string.Join(" → ", Enumerable.Range(1, depth).Select(i => $"'L{i}'"))} → AllocPage at line {allocationLine}, and this call passes Gfp.Kernel";
        await VerifyCS.VerifyAnalyzerAsync(ChainProgram(depth), Sleeps(0, "L1", Section(9 + depth), why));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(5, 1)]
    [InlineData(5, 3)]
    [InlineData(5, 5)]
    public async Task DirectReclaim_masked_at_any_level_does_not_reach(int depth, int maskedAt)
    {
        var source = ChainProgram(depth, maskedAt).Replace("{|#0:L1(Gfp.Kernel)|}", "L1(Gfp.Kernel)");
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(5, 4)]
    public async Task Masking_another_bit_on_the_way_still_reaches(int depth, int maskedAt)
    {
        var source = ChainProgram(depth, maskedAt, "Gfp.HighMem");
        var why = $"'L1' passes its parameter 'gfp' through {string.Join(" → ", Enumerable.Range(1, depth).Select(i => $"'L{i}'"))} → AllocPage at line {5 + depth}, and this call passes Gfp.Kernel";
        await VerifyCS.VerifyAnalyzerAsync(source, Sleeps(0, "L1", Section(9 + depth), why));
    }

    [Fact]
    public async Task A_helper_that_returns_early_when_it_cannot_block_does_not_sleep_when_told_so()
    {
        // The brief's idiom: a non-blocking mode that returns before anything sleeps, at depth 2.
        var source = Code("""
            class C
            {
                private readonly KMutex _m = new();
                private readonly Rcu _rcu = new();

                object? Fill(Gfp gfp)
                {
                    if (!gfp.AllowsBlocking())
                        return null;
                    _m.Lock();
                    _m.Unlock();
                    return this;
                }

                object? Refill(Gfp gfp) => Fill(gfp | Gfp.NoWarn);

                void M(Gfp unknown)
                {
                    using (_rcu.ReadLock())
                    {
                        Refill(Gfp.Atomic);
                        Refill(Gfp.NoWait);
                        Refill(unknown);
                        {|#0:Refill(Gfp.Kernel)|};
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Sleeps(0, "Refill", Section(20), "'Refill' calls 'Fill', which takes mutex '_m'"));
    }

    [Fact]
    public async Task Conditions_on_null_bool_and_enum_parameters_are_decided_by_the_arguments()
    {
        var source = Code("""
            enum Mode { Async, Sync }

            class C
            {
                private readonly Rcu _rcu = new();

                void OnNull(object? waiter) { if (waiter == null) return; _rcu.Synchronize(); }
                void OnBool(bool wait) { if (wait) _rcu.Synchronize(); }
                void OnEnum(Mode mode) { if (mode == Mode.Async) return; _rcu.Synchronize(); }

                void M(object o, bool b)
                {
                    using (_rcu.ReadLock())
                    {
                        OnNull(null);
                        OnBool(false);
                        OnEnum(Mode.Async);
                        {|#0:OnNull(new object())|};
                        {|#1:OnNull(o)|};
                        {|#2:OnBool(true)|};
                        {|#3:OnBool(b)|};
                        {|#4:OnEnum(Mode.Sync)|};
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Sleeps(0, "OnNull", Section(14), "'OnNull' calls 'Rcu.Synchronize()'"),
            Sleeps(1, "OnNull", Section(14), "'OnNull' calls 'Rcu.Synchronize()'"),
            Sleeps(2, "OnBool", Section(14), "'OnBool' calls 'Rcu.Synchronize()'"),
            Sleeps(3, "OnBool", Section(14), "'OnBool' calls 'Rcu.Synchronize()'"),
            Sleeps(4, "OnEnum", Section(14), "'OnEnum' calls 'Rcu.Synchronize()'"));
    }

    [Fact]
    public async Task Conditions_compose_through_the_callers_parameters()
    {
        var source = Code("""
            class C
            {
                private readonly Rcu _rcu = new();

                void Inner(bool wait, object? waiter) { if (wait && waiter != null) _rcu.Synchronize(); }
                void Outer(bool wait, object? waiter) => Inner(wait, waiter);

                void M()
                {
                    using (_rcu.ReadLock())
                    {
                        Outer(false, this);
                        Outer(true, null);
                        {|#0:Outer(true, this)|};
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Sleeps(0, "Outer", Section(11), "'Outer' calls 'Inner', which calls 'Rcu.Synchronize()'"));
    }

    [Fact]
    public async Task A_condition_the_caller_already_contradicts_is_not_a_path()
    {
        var source = Code("""
            class C
            {
                private readonly Rcu _rcu = new();

                void Drain(object? waiter) { if (waiter != null) _rcu.Synchronize(); }

                void M(object? waiter)
                {
                    if (waiter == null)
                    {
                        using (_rcu.ReadLock())
                        {
                            Drain(waiter);
                        }
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Mutual_recursion_passing_flags_settles_and_reports()
    {
        var source = Code("""
            class C
            {
                private readonly PageAllocator _a = new();
                private readonly Rcu _rcu = new();

                Page? Even(Gfp gfp, int n) => n == 0 ? _a.AllocPage(gfp) : Odd(gfp & ~Gfp.HighMem, n - 1);
                Page? Odd(Gfp gfp, int n) => Even(gfp | Gfp.NoWarn, n - 1);
                Page? Cleared(Gfp gfp, int n) => n == 0 ? _a.AllocPage(gfp) : Cleared(gfp & ~Gfp.DirectReclaim, n - 1);

                void M()
                {
                    using (_rcu.ReadLock())
                    {
                        {|#0:Odd(Gfp.Kernel, 3)|};
                        Cleared(Gfp.Kernel, 3);
                        {|#1:Cleared(Gfp.Kernel, 0)|};
                    }
                }
            }
            """);
        // Cleared(Kernel, 3) recurses (n != 0) with DirectReclaim cleared before it allocates; with n == 0 it allocates at once.
        await VerifyCS.VerifyAnalyzerAsync(source,
            Sleeps(0, "Odd", Section(13), "'Odd' passes its parameter 'gfp' through 'Odd' → 'Even' → AllocPage at line 7, and this call passes Gfp.Kernel"),
            Sleeps(1, "Cleared", Section(13), "'Cleared' allocates with its parameter 'gfp' at line 9, and this call passes Gfp.Kernel"));
    }

    [Fact]
    public async Task Partial_classes_partial_methods_and_other_files_are_followed()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(Code("""
            partial class C
            {
                private readonly Rcu _rcu = new();

                partial void Settle();

                void M()
                {
                    using (_rcu.ReadLock())
                    {
                        {|#0:Settle()|};
                        {|#1:new Helper().Flush()|};
                    }
                }
            }
            """));
        test.TestState.Sources.Add(Code("""
            partial class C
            {
                partial void Settle() => _rcu.Synchronize();
            }

            class Helper
            {
                private readonly Rcu _rcu = new();
                public void Flush() => _rcu.Synchronize();
            }
            """));
        test.ExpectedDiagnostics.Add(Sleeps(0, "Settle", Section(10), "'Settle' calls 'Rcu.Synchronize()'"));
        test.ExpectedDiagnostics.Add(Sleeps(1, "Flush", Section(10), "'Flush' calls 'Rcu.Synchronize()'"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Generic_helpers_extension_methods_and_overloads_are_told_apart()
    {
        var source = Code("""
            static class Pages
            {
                public static Page? Grab(this PageAllocator a, Gfp gfp) => a.AllocPage(gfp);
                public static T Pass<T>(T value, Gfp gfp, PageAllocator a) { a.AllocPage(gfp); return value; }
            }

            class C
            {
                private readonly PageAllocator _a = new();
                private readonly Rcu _rcu = new();

                void Grow(Gfp gfp) => _a.AllocPage(gfp);
                void Grow(int order) => _a.AllocPage(Gfp.Atomic);

                void M()
                {
                    using (_rcu.ReadLock())
                    {
                        {|#0:_a.Grab(Gfp.Kernel)|};
                        {|#1:Pages.Pass(1, Gfp.Kernel, _a)|};
                        Pages.Pass("x", Gfp.Atomic, _a);
                        Grow(0);
                        {|#2:Grow(Gfp.Kernel)|};
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Sleeps(0, "Grab", Section(18), "'Grab' allocates with its parameter 'gfp' at line 4, and this call passes Gfp.Kernel"),
            Sleeps(1, "Pass", Section(18), "'Pass' allocates with its parameter 'gfp' at line 5, and this call passes Gfp.Kernel"),
            Sleeps(2, "Grow", Section(18), "'Grow' allocates with its parameter 'gfp' at line 13, and this call passes Gfp.Kernel"));
    }

    [Fact]
    public async Task Virtual_and_interface_calls_are_unknown_unless_annotated()
    {
        var source = Code("""
            interface IFlusher
            {
                void Flush();

                [MightSleep]
                void Wait();
            }

            class Base
            {
                private readonly Rcu _rcu = new();
                public virtual void Flush() => _rcu.Synchronize();
            }

            sealed class Impl : Base, IFlusher
            {
                private readonly Rcu _rcu = new();
                public override void Flush() => _rcu.Synchronize();
                public void Wait() { }
            }

            class C
            {
                private readonly Rcu _rcu = new();

                void M(IFlusher flusher, Base b, Impl impl)
                {
                    using (_rcu.ReadLock())
                    {
                        flusher.Flush();
                        b.Flush();
                        {|#0:flusher.Wait()|};
                        {|#1:impl.Flush()|};
                    }
                }
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(0).WithArguments("Call to 'Wait'", Section(29), "'Wait' is marked [MightSleep]"),
            Sleeps(1, "Flush", Section(29), "'Flush' calls 'Rcu.Synchronize()'"));
    }

    [Fact]
    public async Task Long_chains_are_cut_in_the_message()
    {
        var source = Code("""
            class C
            {
                private readonly Rcu _rcu = new();
                void A() => B();
                void B() => D();
                void D() => E();
                void E() => F();
                void F() => G();
                void G() => _rcu.Synchronize();

                [RcuReadLockHeld]
                void M() => {|#0:A()|};
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            Sleeps(0, "A", "in method 'M' marked [RcuReadLockHeld]", "'A' calls 'B', which calls 'D', which calls 'E', which calls 'F', which calls 'G', which may sleep"));
    }
}
