using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.FlagValues;
using GfpAnalyzers.Analyzers.PageObligations;
using GfpAnalyzers.Analyzers.Symbols;
using GfpAnalyzers.Analyzers.Relevance;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>
/// GFP004: a page allocated with <c>Gfp.NoCodetag</c> (or held by a <c>[NoCodetagPages]</c> location) reaches
/// <c>FreePage</c>/<c>FreePages</c> on some path without <c>ClearPageTagRef</c> on that page first, so Linux's
/// <c>alloc_tag_sub_check()</c> warns "alloc_tag was not set".
/// </summary>
public sealed class GFP004ClearTagBeforeFreeAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        DiagnosticIds.NoCodetagPageFreedWithoutClear,
        title: "NoCodetag page freed without ClearPageTagRef",
        messageFormat: "Page '{0}' ({1}) reaches {2} without ClearPageTagRef {3}",
        RuleCategories.Codetag,
        DiagnosticSeverity.Warning,
        description: "A page allocated with Gfp.NoCodetag gets no allocation tag. Freeing it without ClearPageTagRef makes "
            + "alloc_tag_sub_check() warn \"alloc_tag was not set\". Every path from the allocation to a free, including retry "
            + "and failure paths such as a lost compare-and-swap, must clear the page's tag reference first. Pages that outlive "
            + "the allocating method are tracked through [NoCodetagPages] fields, properties, parameters and return values.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (!RuntimeSymbols.TryCreate(start.Compilation, out var symbols) || symbols.Page is null)
            {
                return;
            }

            var environment = new ObligationEnvironment(start.Compilation, symbols, (graph, cancellationToken) => NoCodetagOnEveryPath(graph, symbols, cancellationToken));
            RelevantCode.RegisterOperationBlockAction(start, block =>
            {
                if (block.OwningSymbol is IMethodSymbol)
                {
                    AnalyzeBlock(block, environment);
                }
            });
        });
    }

    private static void AnalyzeBlock(OperationBlockAnalysisContext context, ObligationEnvironment environment)
    {
        var owner = (IMethodSymbol)context.OwningSymbol;
        var relevance = GFP004Relevance.Of(context.OperationBlocks, environment);
        if (relevance.IsBroken || !relevance.HasSink || !(relevance.HasSource || HasAnnotatedParameter(owner, environment)))
        {
            return;
        }

        // The blocks of one body (a constructor's initializer and body, say) share a root and one graph.
        var analyzedRoots = new List<IOperation>();
        foreach (var operationBlock in context.OperationBlocks)
        {
            var root = operationBlock;
            while (root.Parent is not null)
            {
                root = root.Parent;
            }

            if (root.Kind is not (OperationKind.MethodBody or OperationKind.ConstructorBody) || analyzedRoots.Contains(root))
            {
                continue;
            }

            analyzedRoots.Add(root);
            var graph = ControlFlowGraphs.Of(context, operationBlock);
            AnalyzeGraph(context, environment, graph, owner);
        }
    }

    /// <summary>
    /// Analyzes a body and then the lambdas and local functions nested in it, with a queue (nesting depth is the
    /// input's, so it must not become call-stack depth).
    /// </summary>
    private static void AnalyzeGraph(OperationBlockAnalysisContext context, ObligationEnvironment environment, ControlFlowGraph graph, IMethodSymbol owner)
    {
        var pending = new Queue<(ControlFlowGraph Graph, IMethodSymbol Owner)>();
        pending.Enqueue((graph, owner));
        while (pending.Count > 0)
        {
            var (current, currentOwner) = pending.Dequeue();

            // Reports depend only on the callees' summaries, which are a pure function of the compilation.
            var result = PageObligationAnalysis.Run(current, currentOwner, environment, context.CancellationToken);
            if (result is null)
            {
                continue;
            }

            foreach (var report in result.Reports)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Rule,
                    report.Free.Syntax.GetLocation(),
                    report.PageText,
                    report.Origin.Description,
                    report.Freer,
                    PathDescription.Describe(current, report.Fact.Witness, report.Fact.UnclearedOnEveryPath)));
            }

            foreach (var nested in result.NestedGraphs)
            {
                if (NestedOwner(nested) is { } nestedOwner)
                {
                    pending.Enqueue((nested, nestedOwner));
                }
            }
        }
    }

    private static IMethodSymbol? NestedOwner(ControlFlowGraph graph) => graph.OriginalOperation switch
    {
        ILocalFunctionOperation local => local.Symbol,
        IAnonymousFunctionOperation anonymous => anonymous.Symbol,
        _ => null,
    };

    private static bool HasAnnotatedParameter(IMethodSymbol method, ObligationEnvironment environment)
    {
        foreach (var parameter in method.Parameters)
        {
            if (environment.IsAnnotated(parameter))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A page is a NoCodetag page when the bit is set on every path to its allocation (through locals and
    /// constants), as the shared flag-value analysis of the graph computes: true. When the bit is set on no path the
    /// page carries a tag and no obligation: false. Flags that only may carry it, or do not bind, say nothing: null.
    /// Flags written as a constant (<c>AllocPage(Gfp.High | Gfp.NoCodetag)</c>, the usual form) have that value on
    /// every path: the graph is solved only for flags that are not.
    /// </summary>
    private static Func<IOperation, bool?> NoCodetagOnEveryPath(ControlFlowGraph graph, RuntimeSymbols symbols, CancellationToken cancellationToken)
    {
        FlagValueAnalysis? flags = null;
        var noCodetag = symbols.Bits.NoCodetag;
        return expression =>
        {
            if (noCodetag == 0)
            {
                return null;
            }

            if (AllocationSites.ConstantBitsOf(expression, symbols) is { } constant)
            {
                return (constant & noCodetag) != 0;
            }

            var value = (flags ??= FlagValueAnalysis.GetOrCreate(graph, symbols, cancellationToken)).GetValue(expression);
            if (value.HasErrors)
            {
                return null;
            }

            return (value.Must & noCodetag) != 0 ? true : (value.May & noCodetag) == 0 ? false : null;
        };
    }
}
