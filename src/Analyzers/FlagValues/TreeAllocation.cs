// The allocations of a body's operation tree, before any control-flow graph is built: what the allocation rules may
// prove from them that the body reports nothing (then they ask for no graph; another rule may still build it).
//
//   AllocationSites.Find(context, symbols, static allocation => allocation.ConstantFlagBits is not { } bits || ...)
//
// Every site of the body's graphs is the site of one of these calls: the ones FunctionScan's walk of the body listed
// (MethodScan.Allocations; the tree also has those in branches that never run).
using GfpAnalyzers.Analyzers.Summaries;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.FlagValues;

/// <summary>An <c>AllocPage</c>/<c>AllocPages</c> call of the operation tree, and the facts of the body it is in.</summary>
internal readonly struct TreeAllocation
{
    private readonly OperationBlockAnalysisContext _context;

    public TreeAllocation(IInvocationOperation invocation, MethodScan scan, RuntimeSymbols symbols, OperationBlockAnalysisContext context)
    {
        Invocation = invocation;
        Scan = scan;
        Symbols = symbols;
        _context = context;
    }

    /// <summary>The call in the operation tree (not the graph's operation).</summary>
    public IInvocationOperation Invocation { get; }

    /// <summary>The scan of the body's root (every function in it).</summary>
    public MethodScan Scan { get; }

    public RuntimeSymbols Symbols { get; }

    public Compilation Compilation => _context.Compilation;

    public System.Threading.CancellationToken CancellationToken => _context.CancellationToken;

    /// <summary>
    /// The method, lambda or local function whose graph the call's site is in: the owner the site names
    /// (<see cref="AllocationSite.Owner"/>).
    /// </summary>
    public ISymbol Owner
    {
        get
        {
            for (var current = Invocation.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case IAnonymousFunctionOperation lambda:
                        return lambda.Symbol;
                    case ILocalFunctionOperation local:
                        return local.Symbol;
                }
            }

            return _context.OwningSymbol;
        }
    }

    /// <summary>The scan's facts of the function the call is in; null when it has none (a function in a branch that never runs).</summary>
    public FunctionInfo? Function => Scan.FunctionOf(Owner);

    /// <summary>
    /// The bits of a compile-time constant flags argument, read as <see cref="AllocationSites.ConstantFlagBits"/> reads
    /// the site's (the graph keeps the argument's constant value); null for any other argument.
    /// </summary>
    public uint? ConstantFlagBits
        => Symbols.FlagsArgument(Invocation) is { } flags ? AllocationSites.ConstantBitsOf(flags.Value, Symbols) : null;
}
