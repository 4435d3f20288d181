using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP010MissingMightSleepAnalyzer>;

namespace GfpAnalyzers.Tests.Relevance;

/// <summary>
/// Calls the source never spells: a query clause calls Select or Where, a foreach calls GetEnumerator, a collection
/// initializer calls Add. When such an extension method sleeps, the caller names nothing that reaches the runtime, and
/// the relevance gate must still let it through (GFP010 reports it, as it did before the gate).
/// </summary>
public class HiddenCallGateTests
{
    // The sleeping extension methods sit in an internal class, so that GFP010 reports only the callers.
    private const string Sleepers = TestEnvironment.Usings + """
        using System;
        using System.Collections.Generic;

        internal static class Sleepers
        {
            private static readonly Rcu s_rcu = new();

            public static int Select(this int source, Func<int, int> selector) { s_rcu.Synchronize(); return selector(source); }

            public static IEnumerable<int> Where(this int[] source, Func<int, bool> predicate) { s_rcu.Synchronize(); return source; }

            public static IEnumerator<int> GetEnumerator(this int count) { s_rcu.Synchronize(); return new List<int> { count }.GetEnumerator(); }

            public static void Add(this Stack<int> stack, int item) => s_rcu.Synchronize();
        }

        public static class Audit
        {
            public static void Note() { }
        }
        """;

    private static DiagnosticResult MaySleep(int location, string method, string callee)
        => VerifyCS.Diagnostic(GFP010MissingMightSleepAnalyzer.Rule).WithLocation(location)
            .WithArguments(method, $"it calls '{callee}', which calls 'Rcu.Synchronize()'");

    private static async Task VerifyAsync(string caller, params DiagnosticResult[] expected)
    {
        var test = new VerifyCS.Test { TestState = { Sources = { Sleepers, caller } } };
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_query_clause_that_calls_a_sleeping_extension_method_is_followed()
    {
        await VerifyAsync(
            """
            public class Report
            {
                public int {|#0:Total|}() => from x in 5 select x + 1;
                public object {|#1:Positive|}(int[] values) => from v in values where v > 0 select v;
            }
            """,
            MaySleep(0, "Total", "Select"),
            MaySleep(1, "Positive", "Where"));
    }

    [Fact]
    public async Task A_foreach_whose_GetEnumerator_is_a_sleeping_extension_method_is_followed()
    {
        await VerifyAsync(
            """
            public class Counter
            {
                public int {|#0:Count|}()
                {
                    Audit.Note();
                    var total = 0;
                    foreach (var i in 3)
                    {
                        total += i;
                    }

                    return total;
                }
            }
            """,
            MaySleep(0, "Count", "GetEnumerator"));
    }

    [Fact]
    public async Task A_collection_initializer_whose_Add_is_a_sleeping_extension_method_is_followed()
    {
        await VerifyAsync(
            """
            public class Filler
            {
                public object {|#0:Fill|}() => new System.Collections.Generic.Stack<int> { 1, 2 };
            }
            """,
            MaySleep(0, "Fill", "Add"));
    }
}
