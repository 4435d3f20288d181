// The allocations of a body's operation tree, before any control-flow graph is built: what the allocation rules may
// prove from them that the body reports nothing (then they ask for no graph; another rule may still build it).
//
//   AllocationSites.Find(context, symbols, static allocation => allocation.ConstantFlagBits is not { } bits || ...)
//
// Every site of the body's graphs is the site of one of these calls (the tree also has those in branches that never run).
using System.Collections.Generic;
using GfpAnalyzers.Analyzers.Operations;
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

    public TreeAllocation(IInvocationOperation invocation, TreeAllocations tree, MethodScan scan, OperationBlockAnalysisContext context)
    {
        Invocation = invocation;
        Tree = tree;
        Scan = scan;
        _context = context;
    }

    /// <summary>The call in the operation tree (not the graph's operation).</summary>
    public IInvocationOperation Invocation { get; }

    /// <summary>What the walk of the whole body found.</summary>
    public TreeAllocations Tree { get; }

    /// <summary>The scan of the body's root (every function in it).</summary>
    public MethodScan Scan { get; }

    public RuntimeSymbols Symbols => Tree.Symbols;

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
    public FunctionInfo? Function
    {
        get
        {
            var owner = Owner;
            foreach (var function in Scan.Functions)
            {
                if (SymbolEqualityComparer.Default.Equals(function.Symbol, owner))
                {
                    return function;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// The bits of a compile-time constant flags argument, read as <see cref="AllocationSites.ConstantFlagBits"/> reads
    /// the site's (the graph keeps the argument's constant value); null for any other argument.
    /// </summary>
    public uint? ConstantFlagBits
        => Symbols.FlagsArgument(Invocation) is { } flags ? AllocationSites.ConstantBitsOf(flags.Value, Symbols) : null;
}

/// <summary>One walk of a body's operation tree for the allocation rules, kept per root (three rules ask).</summary>
internal sealed class TreeAllocations
{
    private static readonly PerRootCache<TreeAllocations> Cache = new();

    /// <summary>The walk's stack, kept per thread between walks (no growth, no garbage).</summary>
    [System.ThreadStatic]
    private static OperationStack? s_spareStack;

    private readonly IInvocationOperation[] _calls;

    private TreeAllocations(IInvocationOperation[] calls, RuntimeSymbols symbols)
    {
        _calls = calls;
        Symbols = symbols;
    }

    public RuntimeSymbols Symbols { get; }

    /// <summary>
    /// The walk of <paramref name="root"/> (an operation-tree root), made once (a root belongs to one compilation, which
    /// has one <see cref="RuntimeSymbols"/>).
    /// </summary>
    public static TreeAllocations Of(IOperation root, RuntimeSymbols symbols)
        => Cache.Find(root) ?? Cache.Keep(root, Walk(root, symbols));

    /// <summary>Whether <paramref name="mayReport"/> holds for some allocation of the body.</summary>
    public bool Any(MethodScan scan, OperationBlockAnalysisContext context, System.Func<TreeAllocation, bool> mayReport)
    {
        foreach (var call in _calls)
        {
            if (mayReport(new TreeAllocation(call, this, scan, context)))
            {
                return true;
            }
        }

        return false;
    }

    private static TreeAllocations Walk(IOperation root, RuntimeSymbols symbols)
    {
        // Taken, not shared: a walk started inside this one (none today) would get a stack of its own.
        var pending = s_spareStack ?? new OperationStack();
        s_spareStack = null;
        List<IInvocationOperation>? calls = null;
        pending.Push(root);
        while (pending.Count > 0)
        {
            var (operation, _) = pending.Pop();
            if (operation.Kind == OperationKind.Invocation
                && operation is IInvocationOperation invocation
                && symbols.IsAllocation(invocation.TargetMethod))
            {
                (calls ??= new List<IInvocationOperation>()).Add(invocation);
            }

            pending.PushChildren(operation);
        }

        s_spareStack = pending;
        return new TreeAllocations(calls?.ToArray() ?? System.Array.Empty<IInvocationOperation>(), symbols);
    }
}
