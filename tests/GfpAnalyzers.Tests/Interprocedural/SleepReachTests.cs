using GfpAnalyzers.Analyzers.Summaries;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Tests.Interprocedural;

/// <summary>
/// SleepReach, GFP010's question before any summary is built: "may anything this body reaches sleep?". False lets GFP010
/// skip the method, so it must never be false where a summary could say "sleeps"; true for ordinary code costs a summary.
/// </summary>
public class SleepReachTests
{
    private const string Types = """
        public sealed class Journal : System.IDisposable
        {
            public void Dispose() { }
        }

        public sealed class SleepyJournal : System.IDisposable
        {
            private static readonly Rcu R = new();
            public void Dispose() => R.Synchronize();
        }

        public sealed record Entry(int Id)
        {
            private static readonly PageAllocator A = new();
            public int Size { get => 0; init => A.AllocPage(Gfp.Kernel); }
        }

        """;

    [Theory]
    [InlineData("int M(System.IO.Stream s) { using var r = new System.IO.StreamReader(s); using (var w = new System.IO.StringWriter()) { } return r.Peek(); }", false)]
    [InlineData("Entry M(Entry e) => e with { Id = 2 };", false)]
    [InlineData("void M() { using (new Journal()) { } }", true)]
    [InlineData("void M() { using var j = new SleepyJournal(); }", true)]
    [InlineData("Entry M(Entry e) => e with { Size = 1 };", true)]
    [InlineData("async System.Threading.Tasks.Task M(System.IO.Stream s) { await using var r = s; await System.Threading.Tasks.Task.Yield(); }", true)]
    public async Task A_using_or_with_counts_only_where_its_hidden_calls_may_be_methods_of_the_compilation(string member, bool mayReachSleep)
    {
        var compilation = await SummaryHarness.CompileAsync(Types + "public class C { public " + member + " }");
        var method = SummaryHarness.Method(compilation, "C", "M");
        var syntax = method.DeclaringSyntaxReferences[0].GetSyntax();
        var root = compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax)!;
        Assert.True(RuntimeSymbols.TryCreate(compilation, out var symbols));

        Assert.Equal(mayReachSleep, SleepReach.For(compilation, symbols).MayReachSleep(root, CancellationToken.None));
    }
}
