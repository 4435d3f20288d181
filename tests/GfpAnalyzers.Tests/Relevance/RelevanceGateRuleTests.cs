using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP009SleepingCallInRcuSectionAnalyzer>;
using VerifyFlags = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>;
using VerifyMightSleep = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP010MissingMightSleepAnalyzer>;
using VerifyRedundant = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP006RedundantFlagAnalyzer>;

namespace GfpAnalyzers.Tests.Relevance;

/// <summary>
/// Rules run only on types the relevance gate lets through: code whose runtime names sit in another part of a
/// partial type, in the containing type or in another file is still reported, and exactly once.
/// </summary>
public class RelevanceGateRuleTests
{
    private const string GracePeriod = "it blocks until a grace period ends";

    private static DiagnosticResult Sleeping(int location, string call, int sectionLine, string why)
        => VerifyCS.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(location)
            .WithArguments($"Call to '{call}'", $"inside the RCU read-side section entered at line {sectionLine}", why);

    [Fact]
    public async Task A_part_of_a_partial_type_that_names_no_runtime_type_is_still_analysed()
    {
        var test = new VerifyCS.Test
        {
            TestState =
            {
                Sources =
                {
                    TestEnvironment.Usings + """
                        partial class Cache
                        {
                            private readonly Rcu _rcu = new();
                            private void Flush() => _rcu.Synchronize();
                        }
                        """,
                    TestEnvironment.Usings + """
                        partial class Cache
                        {
                            public void Evict()
                            {
                                _rcu.ReadLock();
                                {|#0:Flush()|};
                                _rcu.ReadUnlock();
                            }
                        }
                        """,
                },
            },
        };
        test.ExpectedDiagnostics.Add(Sleeping(0, "Flush", 6, "'Flush' calls 'Rcu.Synchronize()'"));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_nested_type_that_uses_its_containers_lock_is_reported_once()
    {
        var source = TestEnvironment.Usings + """
            class Outer
            {
                private static readonly Rcu s_rcu = new();
                private static readonly PageAllocator s_allocator = new();

                class Inner
                {
                    void Refill()
                    {
                        using (s_rcu.ReadLock())
                        {
                            s_allocator.AllocPage({|#0:Gfp.Kernel|});
                        }
                    }

                    class Innermost
                    {
                        void Drain()
                        {
                            using (s_rcu.ReadLock())
                            {
                                s_allocator.AllocPage({|#1:Gfp.Kernel|});
                            }
                        }
                    }
                }
            }
            """;
        await VerifyFlags.VerifyAnalyzerAsync(source,
            VerifyFlags.Diagnostic("GFP001").WithLocation(0).WithArguments("inside the RCU read-side section entered at line 11", "Gfp.Kernel"),
            VerifyFlags.Diagnostic("GFP001").WithLocation(1).WithArguments("inside the RCU read-side section entered at line 21", "Gfp.Kernel"));
    }

    [Fact]
    public async Task A_helper_called_by_its_bare_name_through_using_static_is_followed()
    {
        var test = new VerifyCS.Test
        {
            TestState =
            {
                Sources =
                {
                    TestEnvironment.Usings + """
                        public static class Grace
                        {
                            public static readonly Rcu Lock = new();
                            public static void Wait() => Lock.Synchronize();
                        }
                        """,
                    """
                    using static Grace;

                    class Reader
                    {
                        void Read()
                        {
                            Lock.ReadLock();
                            {|#0:Wait()|};
                            Lock.ReadUnlock();
                        }
                    }
                    """,
                },
            },
        };
        test.ExpectedDiagnostics.Add(Sleeping(0, "Wait", 7, "'Wait' calls 'Rcu.Synchronize()'"));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Flags_imported_with_using_static_through_an_alias_are_followed()
    {
        // The namespace's `using static` sees the file's alias: Kernel and KswapdReclaim are Gfp's members, though the
        // type names neither Gfp nor anything else of the runtime.
        var source = """
            using G = GfpAnalyzers.Runtime.Gfp;

            namespace Drivers
            {
                using static G;

                public class Defaults
                {
                    public object Flags() => Kernel | {|#0:KswapdReclaim|};
                }
            }
            """;
        await VerifyRedundant.VerifyAnalyzerAsync(source,
            VerifyRedundant.Diagnostic(GFP006RedundantFlagAnalyzer.Rule).WithLocation(0).WithArguments("KswapdReclaim", "Kernel"));
    }

    [Fact]
    public async Task An_extension_method_in_a_part_of_a_static_class_that_does_not_say_static_is_followed()
    {
        var test = new VerifyMightSleep.Test
        {
            TestState =
            {
                Sources =
                {
                    "internal static partial class Waits { }",
                    TestEnvironment.Usings + """
                        internal partial class Waits
                        {
                            private static readonly Rcu s_rcu = new();
                            public static void Nap(this int ticks) => s_rcu.Synchronize();
                        }
                        """,
                    """
                    public class Poller
                    {
                        public void {|#0:Poll|}() => 5.Nap();
                    }
                    """,
                },
            },
        };
        test.ExpectedDiagnostics.Add(VerifyMightSleep.Diagnostic(GFP010MissingMightSleepAnalyzer.Rule).WithLocation(0)
            .WithArguments("Poll", "it calls 'Nap', which calls 'Rcu.Synchronize()'"));
        await test.RunAsync(CancellationToken.None);
    }
}
