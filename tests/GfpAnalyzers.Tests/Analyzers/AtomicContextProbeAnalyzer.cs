using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// Test-only: reports the atomic context of every allocation and every <c>Rcu.Synchronize()</c> call, so
/// tests can check <see cref="AtomicContextAnalysis"/> directly ("none" when not in atomic context).
/// </summary>
#pragma warning disable RS1036, RS2008 // Test-only analyzer: no release tracking needed.
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class AtomicContextProbeAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Probe = new("CTX", "Context", "{0}", "Test", DiagnosticSeverity.Warning, true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Probe);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (!RuntimeSymbols.TryCreate(start.Compilation, out var symbols) )
            {
                return;
            }

            start.RegisterOperationBlockAction(block =>
            {
                foreach (var root in block.OperationBlocks)
                {
                    if (!ControlFlowGraphs.HasGraph(root))
                    {
                        continue;
                    }

                    var cfg = block.GetControlFlowGraph(root);
                    foreach (var (graph, owner) in ControlFlowGraphs.WithNestedGraphs(cfg, block.OwningSymbol, block.CancellationToken))
                    {
                        var analysis = AtomicContextAnalysis.Create(graph, owner, symbols, block.CancellationToken);
                        foreach (var basicBlock in graph.Blocks)
                        {
                            foreach (var statement in basicBlock.BranchValue is null ? basicBlock.Operations : basicBlock.Operations.Add(basicBlock.BranchValue))
                            {
                                foreach (var operation in statement.DescendantsAndSelf())
                                {
                                    if (operation is IInvocationOperation invocation
                                        && (symbols.IsAllocation(invocation.TargetMethod) || symbols.IsSynchronize(invocation.TargetMethod)))
                                    {
                                        var found = analysis.GetContext(invocation);
                                        block.ReportDiagnostic(Diagnostic.Create(Probe, invocation.Syntax.GetLocation(), found?.Describe() ?? "none"));
                                    }
                                }
                            }
                        }
                    }
                }
            });
        });
    }
}
#pragma warning restore RS1036, RS2008
