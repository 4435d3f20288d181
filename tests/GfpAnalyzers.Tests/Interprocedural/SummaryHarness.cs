using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.Interprocedural;
using GfpAnalyzers.Analyzers.Symbols;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GfpAnalyzers.Tests.Interprocedural;

/// <summary>Compiles sources against the real runtime and reads method summaries the way the rules do.</summary>
internal static class SummaryHarness
{
    private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> References = new(async () =>
        (await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)).Add(TestEnvironment.RuntimeReference));

    public static async Task<Compilation> CompileAsync(params string[] sources)
    {
        var compilation = CSharpCompilation.Create(
            "Summaries",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(TestEnvironment.Usings + s, path: $"File{i}.cs")),
            await References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return compilation;
    }

    public static IMethodSymbol Method(Compilation compilation, string type, string name)
        => compilation.GetTypeByMetadataName(type)!.GetMembers(name).OfType<IMethodSymbol>().First();

    public static MethodSummary Summary(Compilation compilation, IMethodSymbol method)
    {
        Assert.True(RuntimeSymbols.TryCreate(compilation, out var symbols));
        return SummaryStore.For(compilation, symbols).Get(method, CancellationToken.None);
    }

    /// <summary>A readable, complete rendering of a summary: what tests compare.</summary>
    public static string Render(MethodSummary summary)
    {
        if (summary.IsUnknown)
        {
            return "unknown";
        }

        var lines = new List<string>();
        foreach (var sleep in summary.Sleeps)
        {
            lines.Add($"sleep [{string.Join(",", sleep.Chain)}] {sleep.Leaf} if {Conditions(sleep.Conditions)}");
        }

        foreach (var flow in summary.Flows)
        {
            lines.Add($"flow [{string.Join(",", flow.Chain)}] {flow.Allocation}@{flow.Line} {flow.Value} if {Conditions(flow.Conditions)}{(flow.OnUnknownFlags ? " (unknown flags)" : "")}");
        }

        return string.Join("\n", lines);
    }

    private static string Conditions(ImmutableArray<ParameterCondition> conditions)
        => conditions.IsEmpty ? "always" : string.Join(" & ", conditions.Select(c => $"p{c.Ordinal} {c.Kind} {c.Value}"));
}
