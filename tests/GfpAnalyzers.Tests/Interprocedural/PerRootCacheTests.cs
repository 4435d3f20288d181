using GfpAnalyzers.Analyzers.Operations;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Tests.Interprocedural;

/// <summary>
/// The per-root caches (the scan of a body, its graph) share one entry per root: each must still see only its own
/// value, and keep the first stored, also when there are more caches than an entry has slots.
/// </summary>
public class PerRootCacheTests
{
    [Fact]
    public async Task Each_cache_keeps_its_own_first_value_per_root()
    {
        var compilation = await SummaryHarness.CompileAsync("""
            public class C
            {
                public static int M() => 1;
                public static int N() => 2;
            }
            """);
        var m = Root(compilation, "M");
        var n = Root(compilation, "N");
        var caches = Enumerable.Range(0, RootEntries.Slots + 1).Select(_ => new PerRootCache<string>()).ToList();

        for (var i = 0; i < caches.Count; i++)
        {
            Assert.Null(caches[i].Find(m));
            Assert.Equal($"m{i}", caches[i].Keep(m, $"m{i}"));
            Assert.Equal($"m{i}", caches[i].Keep(m, "later"));
        }

        for (var i = 0; i < caches.Count; i++)
        {
            Assert.Equal($"m{i}", caches[i].Find(m));
            Assert.Null(caches[i].Find(n));
        }
    }

    private static IOperation Root(Compilation compilation, string name)
    {
        var syntax = SummaryHarness.Method(compilation, "C", name).DeclaringSyntaxReferences[0].GetSyntax();
        return compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax)!;
    }
}
