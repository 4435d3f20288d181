// GFP007: an allocation made by an allocation hook ([AllocationHook] method or lambda, or code installed with
// SetEarlyAllocHook) whose flags may lack NoCodetag. The hook runs
// on every recorded allocation, so its own allocation re-enters it: unbounded recursion. Only the hook's own
// body counts; lambdas and local functions created in it are not assumed to run inside the hook.
// One finding per mistake: where GFP001, GFP002 or GFP003 already reports the same flags argument (their fixes add
// NoCodetag in hooks), GFP007 stays silent, unless the user turned that rule off (GFP007AtomicContextRulesInHooks).
// The hook is named as every atomic-context message names it (AtomicContext.Describe()).
//
// Diagnostic.Properties (for code fixes):
//   "FlagToAdd"  "NoCodetag".
using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.FlagValues;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>Reports allocations in allocation hooks that do not always carry <c>NoCodetag</c>.</summary>
public sealed class GFP007HookAllocationWithoutNoCodetagAnalyzer : DiagnosticAnalyzer
{
    public const string FlagToAddProperty = "FlagToAdd";

    public static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        DiagnosticIds.HookAllocationWithoutNoCodetag,
        title: "Allocation in an allocation hook without NoCodetag re-enters the hook",
        messageFormat: "Allocation {0} {1}: it {2}",
        RuleCategories.Codetag,
        DiagnosticSeverity.Warning,
        description: "An allocation hook runs for every allocation the allocator records, including its own. Its "
            + "allocations must carry Gfp.NoCodetag, which the hook does not record; otherwise each one calls the hook "
            + "again. Pages allocated with NoCodetag need ClearPageTagRef before they are freed (GFP004).");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        AllocationSites.RegisterBlockAction(context, AnalyzeHooks);
    }

    /// <summary>
    /// A hook is a method or lambda marked [AllocationHook], or code installed with SetEarlyAllocHook (the same
    /// test the atomic-context analysis makes). Only hook-shaped code (void (ulong, Gfp)) is looked at further.
    /// </summary>
    private static bool IsHook(AllocationSite site, RuntimeSymbols symbols, System.Threading.CancellationToken ct)
        => symbols.HasAttribute(site.Owner, symbols.AllocationHookAttribute)
           || (site.Owner is IMethodSymbol method
               && HookInstallations.HasHookShape(method, symbols)
               && HookInstallations.IsInstalledHook(site.Graph, site.Owner, symbols, ct));

    /// <summary>
    /// Whether an allocation may be reported, from the operation tree alone: only in a function that is marked
    /// [AllocationHook] or has a hook's shape (<see cref="IsHook"/> asks no more of a site's owner first), and not
    /// with constant flags that carry NoCodetag. A body whose allocations all fail it needs no graph here.
    /// </summary>
    private static readonly System.Func<TreeAllocation, bool> MayReport = static allocation =>
    {
        var symbols = allocation.Symbols;
        var owner = allocation.Owner;
        if (!symbols.HasAttribute(owner, symbols.AllocationHookAttribute)
            && !(owner is IMethodSymbol method && HookInstallations.HasHookShape(method, symbols)))
        {
            return false;
        }

        var noCodetag = symbols.Bits.NoCodetag;
        return allocation.ConstantFlagBits is not { } constant || (constant & noCodetag) != noCodetag;
    };

    private static void AnalyzeHooks(OperationBlockAnalysisContext context, RuntimeSymbols symbols)
    {
        var noCodetag = symbols.Bits.NoCodetag;
        if (noCodetag == 0)
        {
            return;
        }

        // Sites come grouped by graph, and hook-ness is a property of the graph's owner: decide it once per graph
        // (IsInstalledHook walks the type's syntax).
        ControlFlowGraph? lastGraph = null;
        var inHook = false;
        foreach (var site in AllocationSites.Find(context, symbols, MayReport))
        {
            if (!ReferenceEquals(site.Graph, lastGraph))
            {
                lastGraph = site.Graph;
                inHook = IsHook(site, symbols, context.CancellationToken);
            }

            if (!inHook
                || (AllocationSites.ConstantFlagBits(site, symbols) is { } constant && (constant & noCodetag) == noCodetag))
            {
                // Not a hook, or constant flags that always carry NoCodetag (no graph analysis needed).
                continue;
            }

            var value = AllocationSites.FlagValueOf(site, symbols, context.CancellationToken);
            if (value.HasErrors || value.MustHave(noCodetag))
            {
                continue;
            }

            if (site.IsIncomplete())
            {
                continue;
            }

            // The hook as the atomic-context analysis sees it: null in code that never runs.
            var atomic = AtomicContextAnalysis.Create(site.Graph, site.Owner, symbols, context.CancellationToken).GetContext(site.Invocation);
            if (atomic is not { Kind: AtomicContextKind.AllocationHook })
            {
                continue;
            }

            var reportedBy = GFP007AtomicContextRulesInHooks.RuleReporting(value, symbols.Bits);
            if (reportedBy is not null
                && !GFP007AtomicContextRulesInHooks.IsTurnedOff(context.Compilation, site.Invocation.Syntax.SyntaxTree, reportedBy, context.CancellationToken))
            {
                continue;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Rule,
                site.FlagsLocation,
                ImmutableDictionary<string, string?>.Empty.Add(FlagToAddProperty, "NoCodetag"),
                atomic.Describe(),
                Lack(value, noCodetag),
                // Only a constant lack is proven; a value the method does not control may well carry NoCodetag.
                value.OriginsOf(noCodetag, constant: false).IsEmpty
                    ? "re-enters the hook, which allocates again without end"
                    : "may re-enter the hook, which would allocate again without end"));
        }
    }

    private static string Lack(FlagValue value, uint noCodetag)
    {
        if (!value.MayHave(noCodetag))
        {
            return "does not carry NoCodetag";
        }

        var unknown = value.OriginsOf(noCodetag, constant: false);
        return unknown.IsEmpty
            ? "does not carry NoCodetag on every path"
            // Said so that it reads right where the code never mentions NoCodetag (`gfp & ~Gfp.DirectReclaim`).
            : "gets NoCodetag only from " + FlagNames.JoinSources(unknown) + ", which need not carry it";
    }
}
