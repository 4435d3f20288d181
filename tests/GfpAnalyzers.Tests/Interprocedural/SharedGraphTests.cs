using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.Interprocedural;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Tests.Interprocedural;

/// <summary>
/// A method both analysed by the rules and summarised for its callers gets one control-flow graph, whichever asks
/// first; what is computed from a shared graph depends only on the graph and the method it is asked for.
/// </summary>
public class SharedGraphTests
{
    private const string Source = """
        partial class C
        {
            private readonly Rcu _rcu = new();
            private readonly PageAllocator _a = new();

            void RuleFirst(bool wait) { if (wait) _rcu.Synchronize(); }
            void SummaryFirst(Gfp gfp) { _a.AllocPage(gfp); }
            C(bool wait) { if (wait) _rcu.Synchronize(); }
            partial void Wait(bool wait);
            partial void Wait(bool wait) { if (wait) _rcu.Synchronize(); }
        }
        """;

    [Fact]
    public async Task The_rules_and_the_summaries_get_the_same_graph_of_a_body_whichever_asks_first()
    {
        var compilation = await SummaryHarness.CompileAsync(Source);
        var probe = new GraphProbe();
        // Sequential analysis: under concurrent analysis a summary sometimes gets a semantic model other than the one
        // the driver handed the rule (seen in 1 run of 3: the constructor got two graphs), most likely the driver's
        // per-tree model cache being cleared while another thread still analyses the tree. Harmless (one more graph,
        // equal facts), but then the assertion would be a race.
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(probe), options)
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None);

        var seen = diagnostics.Select(d => d.GetMessage()).OrderBy(m => m, StringComparer.Ordinal).ToArray();
        Assert.Equal(
            [".ctor: one graph", "RuleFirst: one graph", "SummaryFirst: one graph", "Wait: one graph"],
            seen);
    }

    [Fact]
    public async Task A_graph_is_shared_per_operation_tree_and_not_across_semantic_models()
    {
        var compilation = await SummaryHarness.CompileAsync(Source);
        var root = RootOf(compilation, "RuleFirst", compilation.GetSemanticModel(compilation.SyntaxTrees.Single()));
        var again = RootOf(compilation, "RuleFirst", compilation.GetSemanticModel(compilation.SyntaxTrees.Single()));

        var graph = ControlFlowGraphs.OfRoot(root, CancellationToken.None);
        Assert.NotNull(graph);
        Assert.Same(graph, ControlFlowGraphs.OfRoot(root, CancellationToken.None));
        // Outside the driver each model binds its own tree: that tree has its own graph (nothing is keyed globally).
        Assert.NotSame(root, again);
        Assert.NotSame(graph, ControlFlowGraphs.OfRoot(again, CancellationToken.None));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Facts_of_a_shared_graph_are_those_of_the_method_asked_for_whichever_was_asked_first(bool implementationFirst)
    {
        // A summary names a partial method by its definition part, a rule by its implementation part: the body's
        // parameter references belong to the implementation, so only it can trust `wait`.
        var compilation = await SummaryHarness.CompileAsync(Source);
        Assert.True(RuntimeSymbols.TryCreate(compilation, out var symbols));
        var definition = SummaryHarness.Method(compilation, "C", "Wait");
        var implementation = definition.PartialImplementationPart!;
        var graph = ControlFlowGraphs.OfRoot(RootOf(compilation, "Wait", compilation.GetSemanticModel(compilation.SyntaxTrees.Single())), CancellationToken.None)!;
        var sleeping = graph.Blocks.Single(b => b.Operations.Any(o => o.DescendantsAndSelf().OfType<IInvocationOperation>().Any(i => i.TargetMethod.Name == "Synchronize"))).Ordinal;

        IMethodSymbol[] order = implementationFirst ? [implementation, definition] : [definition, implementation];
        var facts = order.Select(method => (Method: method, Atoms: ConditionFacts.Of(graph, method, symbols).At(sleeping)!.Value)).ToArray();

        var ofImplementation = facts.Single(f => SymbolEqualityComparer.Default.Equals(f.Method, implementation)).Atoms;
        var ofDefinition = facts.Single(f => SymbolEqualityComparer.Default.Equals(f.Method, definition)).Atoms;
        var atom = Assert.Single(ofImplementation);
        Assert.Equal((0, ConditionKind.IsTrue), (atom.Ordinal, atom.Kind));
        Assert.Empty(ofDefinition);
    }

    private static IOperation RootOf(Compilation compilation, string name, SemanticModel model)
    {
        var syntax = compilation.SyntaxTrees.Single().GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>()
            .Last(m => m.Identifier.Text == name);
        var operation = model.GetOperation(syntax)!;
        while (operation.Parent is { } parent)
        {
            operation = parent;
        }

        return operation;
    }

    /// <summary>Asks for each body's graph as a rule and as a summary, in the order its name says; reports whether they were one object.</summary>
#pragma warning disable RS1036, RS2008 // Test-only analyzer: no release tracking needed.
    [DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
    private sealed class GraphProbe : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Seen = new("GRAPH", "Graph", "{0}", "Test", DiagnosticSeverity.Warning, true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Seen);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterOperationBlockAction(block =>
            {
                if (block.OwningSymbol is not IMethodSymbol method)
                {
                    return;
                }

                foreach (var root in ControlFlowGraphs.DistinctGraphBlocks(block.OperationBlocks))
                {
                    ControlFlowGraph? rule, summary;
                    if (method.Name == "SummaryFirst")
                    {
                        summary = MethodBodies.TryGetGraph(method, block.Compilation, block.CancellationToken);
                        rule = ControlFlowGraphs.Of(block, root);
                    }
                    else
                    {
                        rule = ControlFlowGraphs.Of(block, root);
                        summary = MethodBodies.TryGetGraph(method, block.Compilation, block.CancellationToken);
                    }

                    var location = method.Locations[0];
                    block.ReportDiagnostic(Diagnostic.Create(Seen, location, $"{method.Name}: {(ReferenceEquals(rule, summary) ? "one graph" : "two graphs")}"));
                }
            });
        }
    }
#pragma warning restore RS1036, RS2008
}
