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
    // Each test declares only the extension methods it calls (one hidden Add would open every type), in an internal
    // class, so that GFP010 reports only the callers.
    private const string Select = "public static int Select(this int source, Func<int, int> selector) { s_rcu.Synchronize(); return selector(source); }";
    private const string Where = "public static IEnumerable<int> Where(this int[] source, Func<int, bool> predicate) { s_rcu.Synchronize(); return source; }";
    private const string GetEnumerator = "public static IEnumerator<int> GetEnumerator(this int count) { s_rcu.Synchronize(); return new List<int> { count }.GetEnumerator(); }";
    private const string Add = "public static void Add(this Stack<int> stack, int item) => s_rcu.Synchronize();";

    private static string Sleepers(params string[] methods) => TestEnvironment.Usings + $$"""
        using System;
        using System.Collections.Generic;

        internal static class Sleepers
        {
            private static readonly Rcu s_rcu = new();

            {{string.Join("\n    ", methods)}}
        }

        public static class Audit
        {
            public static void Note() { }
        }
        """;

    private static DiagnosticResult MaySleep(int location, string method, string callee)
        => VerifyCS.Diagnostic(GFP010MissingMightSleepAnalyzer.Rule).WithLocation(location)
            .WithArguments(method, $"it calls '{callee}', which calls 'Rcu.Synchronize()'");

    private static async Task VerifyAsync(string[] extensions, string caller, params DiagnosticResult[] expected)
    {
        var test = new VerifyCS.Test { TestState = { Sources = { Sleepers(extensions), caller } } };
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_query_clause_that_calls_a_sleeping_extension_method_is_followed()
    {
        await VerifyAsync(
            [Select, Where],
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
            [GetEnumerator],
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
            [Add],
            """
            public class Filler
            {
                public object {|#0:Fill|}() => new System.Collections.Generic.Stack<int> { 1, 2 };
            }
            """,
            MaySleep(0, "Fill", "Add"));
    }

    [Fact]
    public async Task The_words_that_hide_calls_count_in_a_type_that_is_read_token_by_token()
    {
        // A \u escape anywhere in the type sends it to the token walk, which must still see `foreach` and `from`.
        await VerifyAsync(
            [Select, GetEnumerator],
            """
            public class Menu
            {
                public string Title() => "caf\u00e9";
                public int {|#0:Count|}() { Audit.Note(); var n = 0; foreach (var i in 2) { n += i; } return n; }
                public int {|#1:Next|}() => from x in 5 select x + 1;
            }
            """,
            MaySleep(0, "Count", "GetEnumerator"),
            MaySleep(1, "Next", "Select"));
    }
}
