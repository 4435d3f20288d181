using System.Collections.Generic;
using System.Runtime.CompilerServices;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Summaries;

/// <summary>What one function (the method, a local function or a lambda) contains, from a walk of the operation tree.</summary>
internal sealed class FunctionInfo
{
    public FunctionInfo(ISymbol? symbol, bool isLambda)
    {
        Symbol = symbol;
        IsLambda = isLambda;
    }

    public ISymbol? Symbol { get; }

    /// <summary>Lambda bodies run when the delegate is invoked: they add nothing to the enclosing method's summary.</summary>
    public bool IsLambda { get; }

    public List<(IOperation Operation, SleepingCallKind Kind, IMethodSymbol Method)> Calls { get; } = new();

    public bool HasAllocations { get; set; }

    public bool HasLockCalls { get; set; }

    /// <summary>A lambda passed to an <c>[InvokedInAtomicContext]</c> parameter: its body runs in atomic context.</summary>
    public bool InvokedInAtomicContext { get; set; }
}

/// <summary>
/// What one walk of an operation-block root found, shared by every rule that asks (see <see cref="FunctionScan.Of"/>).
/// </summary>
internal sealed class MethodScan
{
    public MethodScan(ISymbol owner, List<FunctionInfo> functions, List<IOperation> allocations, bool containsLockCall, List<IMethodReferenceOperation> delegatedMethods, List<IInvocationOperation> ownCalls)
    {
        Owner = owner;
        Functions = functions;
        Allocations = allocations;
        ContainsLockCall = containsLockCall;
        DelegatedMethods = delegatedMethods;
        OwnCalls = ownCalls;
    }

    public ISymbol Owner { get; }

    /// <summary>The method first, then each lambda and local function, in walk order (branches that never run left out).</summary>
    public IReadOnlyList<FunctionInfo> Functions { get; }

    /// <summary>True when some invocation anywhere under the root (never-running branches included) locks or unlocks.</summary>
    public bool ContainsLockCall { get; }

    /// <summary>Every method group converted to a delegate under the root (<c>ForEachLocked(Visit)</c>), in walk order: GFP009's callback candidates.</summary>
    public IReadOnlyList<IMethodReferenceOperation> DelegatedMethods { get; }

    /// <summary>Every call anywhere under the root (never-running branches included) to a method of this compilation: the candidates for lock helpers.</summary>
    public IReadOnlyList<IInvocationOperation> OwnCalls { get; }

    /// <summary>Every AllocPage/AllocPages call anywhere under the root, never-running branches included.</summary>
    private List<IOperation> Allocations { get; }

    /// <summary>True when <paramref name="block"/> (the root or an operation under it) contains an allocation call.</summary>
    public bool ContainsAllocation(IOperation block)
    {
        foreach (var allocation in Allocations)
        {
            for (var current = allocation; current is not null; current = current.Parent)
            {
                if (current == block)
                {
                    return true;
                }
            }
        }

        return false;
    }
}

/// <summary>
/// The cheap first pass over a method's operation tree (no control-flow graph): each function's calls that
/// may sleep, whether it allocates or locks. It decides whether a graph is needed at all. One walk per root,
/// cached, whichever rule asks first (five rules ask the same questions of every method).
/// </summary>
internal static class FunctionScan
{
    private static readonly ConditionalWeakTable<IOperation, MethodScan> Cache = new();

    /// <summary>The scan of <paramref name="root"/> (an operation-block root: its <c>Parent</c> is null), computed once.</summary>
    public static MethodScan Of(IOperation root, ISymbol owner, RuntimeSymbols symbols, IAssemblySymbol assembly)
    {
        if (Cache.TryGetValue(root, out var cached) && SymbolEqualityComparer.Default.Equals(cached.Owner, owner))
        {
            return cached;
        }

        var scan = Run(root, owner, symbols, assembly);
        // Two threads may scan the same root: both get equal results, the first stored is kept.
        var stored = Cache.GetValue(root, _ => scan);
        return SymbolEqualityComparer.Default.Equals(stored.Owner, owner) ? stored : scan;
    }

    /// <summary>The root of the operation tree <paramref name="operation"/> belongs to.</summary>
    public static IOperation RootOf(IOperation operation)
    {
        var root = operation;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        return root;
    }

    private static MethodScan Run(IOperation root, ISymbol owner, RuntimeSymbols symbols, IAssemblySymbol assembly)
    {
        var top = new FunctionInfo(owner, isLambda: false);
        var functions = new List<FunctionInfo> { top };
        var allocations = new List<IOperation>();
        var containsLockCall = false;
        var delegatedMethods = new List<IMethodReferenceOperation>();
        var ownCalls = new List<IInvocationOperation>();
        var stack = new Stack<(IOperation Operation, FunctionInfo Function, bool Runs)>();
        stack.Push((root, top, true));
        while (stack.Count > 0)
        {
            var (operation, function, runs) = stack.Pop();
            if (operation is IInvocationOperation call)
            {
                var allocates = symbols.IsAllocation(call.TargetMethod);
                var locks = symbols.IsLockOperation(call.TargetMethod);
                if (allocates)
                {
                    allocations.Add(call);
                }

                containsLockCall |= locks;
                if (SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingAssembly, assembly))
                {
                    ownCalls.Add(call);
                }

                if (runs)
                {
                    function.HasAllocations |= allocates;
                    function.HasLockCalls |= locks;
                }
            }

            if (operation is IMethodReferenceOperation { Parent: IDelegateCreationOperation } reference)
            {
                delegatedMethods.Add(reference);
            }

            if (runs)
            {
                switch (operation)
                {
                    case IAnonymousFunctionOperation lambda:
                        function = new FunctionInfo(lambda.Symbol, isLambda: true)
                        {
                            InvokedInAtomicContext = AtomicContext.AtomicCallbacks.InvokerOf(lambda, symbols) is not null,
                        };
                        functions.Add(function);
                        break;
                    case ILocalFunctionOperation local:
                        function = new FunctionInfo(local.Symbol, isLambda: false);
                        functions.Add(function);
                        break;
                }

                var (kind, method) = SleepingCalls.Classify(operation, symbols, assembly);
                if (kind != SleepingCallKind.None)
                {
                    function.Calls.Add((operation, kind, method!));
                }
            }

            foreach (var child in operation.ChildOperations)
            {
                // Branches that never run still count for the allocation and lock pre-checks, which look at every call.
                stack.Push((child, function, runs && !NeverRuns(operation, child)));
            }
        }

        return new MethodScan(owner, functions, allocations, containsLockCall, delegatedMethods, ownCalls);
    }

    /// <summary>The branch of `if (false)` / `if (Debug)` on a false const (a translated IS_ENABLED) that cannot run.</summary>
    private static bool NeverRuns(IOperation parent, IOperation child)
        => parent is IConditionalOperation { Condition.ConstantValue: { HasValue: true, Value: bool value } } conditional
           && child == (value ? conditional.WhenFalse : conditional.WhenTrue);
}
