using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.FlagValues;
using GfpAnalyzers.Analyzers.Symbols;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Tests.FlagValues;

/// <summary>
/// Compiles a snippet against the real runtime and returns the flag value of the first allocation in
/// method <c>M</c> (or of the allocation marked with the comment <c>/*here*/</c>), as the analyzers see it.
/// </summary>
internal static class FlagValueTestHarness
{
    private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> References = new(async () =>
        (await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)).Add(TestEnvironment.RuntimeReference));

    public static async Task<(FlagValue Value, RuntimeSymbols Symbols)> ValueOfAllocationAsync(string methodBodies, bool allowErrors = false)
    {
        var source = TestEnvironment.Usings + "class C {\n" + methodBodies + "\n}";
        var compilation = CSharpCompilation.Create(
            "Snippet",
            new[] { CSharpSyntaxTree.ParseText(source) },
            await References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (!allowErrors)
        {
            Assert.Empty(errors);
        }

        Assert.True(RuntimeSymbols.TryCreate(compilation, out var symbols));
        var tree = compilation.SyntaxTrees[0];
        var model = compilation.GetSemanticModel(tree);
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.Text == "M");
        var cfg = ControlFlowGraph.Create(method, model)!;
        var marked = source.IndexOf("/*here*/", StringComparison.Ordinal);
        var allocation = cfg.Blocks
            .SelectMany(b => b.Operations.Concat(b.BranchValue is null ? Array.Empty<IOperation>() : new[] { b.BranchValue }))
            .SelectMany(o => o.DescendantsAndSelf())
            .OfType<IInvocationOperation>()
            .Where(i => symbols.IsAllocation(i.TargetMethod))
            .First(i => marked < 0 || i.Syntax.SpanStart > marked);
        var analysis = FlagValueAnalysis.Create(cfg, symbols, CancellationToken.None);
        return (analysis.GetValue(symbols.FlagsArgument(allocation)!.Value), symbols);
    }

    /// <summary>The value of the first allocation's flags argument by <see cref="FlagEvaluator"/>, without a graph.</summary>
    public static async Task<(FlagValue Value, RuntimeSymbols Symbols)> ValueWithoutGraphAsync(string methodBodies)
    {
        var source = TestEnvironment.Usings + "class C {\n" + methodBodies + "\n}";
        var compilation = CSharpCompilation.Create(
            "Snippet",
            new[] { CSharpSyntaxTree.ParseText(source) },
            await References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.True(RuntimeSymbols.TryCreate(compilation, out var symbols));
        var tree = compilation.SyntaxTrees[0];
        var model = compilation.GetSemanticModel(tree);
        var invocation = tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Select(i => model.GetOperation(i)).OfType<IInvocationOperation>()
            .First(i => symbols.IsAllocation(i.TargetMethod));
        return (FlagEvaluator.Evaluate(symbols.FlagsArgument(invocation)!.Value, symbols), symbols);
    }

    public static uint Bits(RuntimeSymbols symbols, params string[] names)
        => names.Aggregate(0u, (bits, name) => bits | symbols.Bits.ValueOf(name));

    /// <summary>"description=bits-as-names" for each origin, for readable assertions.</summary>
    public static string[] DescribeOrigins(FlagValue value, uint mask)
        => value.OriginsOf(mask).Select(o => $"{o.Kind}:{o.Description}").OrderBy(s => s, StringComparer.Ordinal).ToArray();
}
