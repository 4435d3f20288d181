using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using GfpAnalyzers.Analyzers.Operations;
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

    /// <summary>Calls that may sleep (Rcu.Synchronize(), [MightSleep] members, methods with a body here), in walk order.</summary>
    public IReadOnlyList<(IOperation Operation, SleepingCallKind Kind, IMethodSymbol Method)> Calls => _calls ?? (IReadOnlyList<(IOperation Operation, SleepingCallKind Kind, IMethodSymbol Method)>)NoCalls;

    private static readonly (IOperation, SleepingCallKind, IMethodSymbol)[] NoCalls = System.Array.Empty<(IOperation, SleepingCallKind, IMethodSymbol)>();

    // Most functions call nothing that may sleep: no list for them.
    private List<(IOperation Operation, SleepingCallKind Kind, IMethodSymbol Method)>? _calls;

    public void AddCall(IOperation operation, SleepingCallKind kind, IMethodSymbol method)
        => (_calls ??= new()).Add((operation, kind, method));

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
    public MethodScan(ISymbol owner, List<FunctionInfo> functions, List<IOperation>? allocations, bool containsLockCall,
        List<IMethodReferenceOperation>? delegatedMethods, List<IInvocationOperation>? ownCalls, List<IMethodSymbol>? hiddenOwnCalls,
        bool passesFlagsToOwnMethod, bool callsLibraryLockHelper, bool locksOnlyInUsingGuards)
    {
        LocksOnlyInUsingGuards = locksOnlyInUsingGuards;
        CallsLibraryLockHelper = callsLibraryLockHelper;
        PassesFlagsToOwnMethod = passesFlagsToOwnMethod;
        // Most roots have none of these: one shared empty array each instead of a list per root.
        Owner = owner;
        Functions = functions;
        Allocations = allocations ?? (IReadOnlyList<IOperation>)System.Array.Empty<IOperation>();
        ContainsLockCall = containsLockCall;
        DelegatedMethods = delegatedMethods ?? (IReadOnlyList<IMethodReferenceOperation>)System.Array.Empty<IMethodReferenceOperation>();
        OwnCalls = ownCalls ?? (IReadOnlyList<IInvocationOperation>)System.Array.Empty<IInvocationOperation>();
        HiddenOwnCalls = hiddenOwnCalls ?? (IReadOnlyList<IMethodSymbol>)System.Array.Empty<IMethodSymbol>();
    }

    public ISymbol Owner { get; }

    /// <summary>The method first, then each lambda and local function, in walk order (branches that never run left out).</summary>
    public IReadOnlyList<FunctionInfo> Functions { get; }

    /// <summary>True when some invocation anywhere under the root (never-running branches included) locks or unlocks.</summary>
    public bool ContainsLockCall { get; }

    /// <summary>
    /// True when every lock call under the root (lambdas, local functions and never-running branches included) takes a
    /// runtime guard that a using holds as its resource (<see cref="UsingGuards"/>), so each is released on every path
    /// where it was taken; and, where libraries may declare lock helpers, no foreach or other using hides a call to one.
    /// Vacuously true without lock calls. Calls to lock helpers are <see cref="CallsLockHelper"/>'s question.
    /// </summary>
    public bool LocksOnlyInUsingGuards { get; }

    /// <summary>Every method group converted to a delegate under the root (<c>ForEachLocked(Visit)</c>), in walk order: GFP009's callback candidates.</summary>
    public IReadOnlyList<IMethodReferenceOperation> DelegatedMethods { get; }

    /// <summary>Every call anywhere under the root (never-running branches included) to a method of this compilation: the candidates for lock helpers.</summary>
    public IReadOnlyList<IInvocationOperation> OwnCalls { get; }

    /// <summary>
    /// True when some call anywhere under the root goes to a method of another assembly marked as a lock helper
    /// (<see cref="AtomicContext.LibraryLockHelpers"/>): like <see cref="OwnCalls"/>, a reason to build the lock flow.
    /// </summary>
    public bool CallsLibraryLockHelper { get; }

    /// <summary>
    /// The methods of this compilation a foreach or using under the root calls without an invocation in the tree
    /// (GetEnumerator, MoveNext, Dispose: see <see cref="Summaries.HiddenOwnCalls"/>); the graph has them as calls.
    /// </summary>
    public IReadOnlyList<IMethodSymbol> HiddenOwnCalls { get; }

    /// <summary>
    /// True when some invocation or object creation anywhere under the root (never-running branches and lambdas included)
    /// passes Gfp flags to a method with a body here: the only calls whose flags FlagsThroughCalls can judge.
    /// </summary>
    public bool PassesFlagsToOwnMethod { get; }

    /// <summary>Every AllocPage/AllocPages call (an invocation) anywhere under the root, never-running branches included.</summary>
    public IReadOnlyList<IOperation> Allocations { get; }

    /// <summary>
    /// True when some call under the root, written or hidden (<see cref="HiddenOwnCalls"/>), goes to a lock helper of this
    /// compilation (or to an annotated one of a library, <see cref="CallsLibraryLockHelper"/>): it takes or releases its
    /// caller's lock, so the graph has lock events even with no lock call here.
    /// </summary>
    public bool CallsLockHelper(Compilation compilation, RuntimeSymbols symbols, System.Threading.CancellationToken ct)
    {
        // Several rules ask of the same body (GFP001-003, GFP008, GFP009, FlagsThroughCalls); the answer depends only on
        // the compilation, which the scan's root belongs to. A race computes it twice, to the same value.
        var known = Volatile.Read(ref _callsLockHelper);
        if (known != Unasked)
        {
            return known == Yes;
        }

        var calls = ComputeCallsLockHelper(compilation, symbols, ct);
        Volatile.Write(ref _callsLockHelper, calls ? Yes : No);
        return calls;
    }

    private const int Unasked = 0;
    private const int No = 1;
    private const int Yes = 2;
    private int _callsLockHelper;

    /// <summary>The facts of the function <paramref name="owner"/> (the method, a lambda or a local function); null when the walk has none (a function in a branch that never runs).</summary>
    public FunctionInfo? FunctionOf(ISymbol owner)
    {
        foreach (var function in Functions)
        {
            if (SymbolEqualityComparer.Default.Equals(function.Symbol, owner))
            {
                return function;
            }
        }

        return null;
    }

    private bool ComputeCallsLockHelper(Compilation compilation, RuntimeSymbols symbols, System.Threading.CancellationToken ct)
    {
        if (CallsLibraryLockHelper)
        {
            return true;
        }

        if (OwnCalls.Count == 0 && HiddenOwnCalls.Count == 0)
        {
            // Most bodies call nothing of this compilation: no store to look up.
            return false;
        }

        var helpers = AtomicContext.LockHelpers.For(compilation, symbols);
        foreach (var call in OwnCalls)
        {
            if (!helpers.EffectsOf(call, ct).IsEmpty)
            {
                return true;
            }
        }

        foreach (var method in HiddenOwnCalls)
        {
            if (!helpers.EffectsOf(method, ct).IsEmpty)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="block"/> (the root or an operation under it) contains an allocation call.</summary>
    public bool ContainsAllocation(IOperation block)
    {
        for (var i = 0; i < Allocations.Count; i++)
        {
            for (var current = Allocations[i]; current is not null; current = current.Parent)
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
    private static readonly PerRootCache<MethodScan> Scans = new();

    /// <summary>The walk's stack, kept per thread between scans (no growth, no garbage).</summary>
    [System.ThreadStatic]
    private static Stack<(IOperation Operation, FunctionInfo Function, bool Runs)>? s_spareStack;

    /// <summary>The scan of <paramref name="root"/> (an operation-block root: its <c>Parent</c> is null), computed once.</summary>
    public static MethodScan Of(IOperation root, ISymbol owner, RuntimeSymbols symbols, IAssemblySymbol assembly)
    {
        if (Scans.Find(root) is { } cached)
        {
            return SymbolEqualityComparer.Default.Equals(cached.Owner, owner) ? cached : Run(root, owner, symbols, assembly);
        }

        // Two threads may scan the same root: both get equal results, the first stored is kept.
        var scan = Run(root, owner, symbols, assembly);
        var stored = Scans.Keep(root, scan);
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
        List<IOperation>? allocations = null;
        var containsLockCall = false;
        List<IMethodReferenceOperation>? delegatedMethods = null;
        List<IInvocationOperation>? ownCalls = null;
        List<IMethodSymbol>? hiddenOwnCalls = null;
        var passesFlagsToOwnMethod = false;
        var callsLibraryLockHelper = false;
        var locksOnlyInUsingGuards = true;
        // Only a project that references a library built on the runtime can call one of its lock helpers.
        var librariesMayDeclareHelpers = AtomicContext.LibraryLockHelpers.MayBeReferencedBy(assembly, symbols);
        // Taken, not shared: a scan started inside this one (none today) would get a stack of its own.
        var stack = s_spareStack ?? new Stack<(IOperation Operation, FunctionInfo Function, bool Runs)>();
        s_spareStack = null;
        stack.Push((root, top, true));
        while (stack.Count > 0)
        {
            var (operation, function, runs) = stack.Pop();
            if (operation is IInvocationOperation call)
            {
                var allocates = symbols.IsAllocation(call.TargetMethod);
                var lockOperation = symbols.Locks.Classify(call.TargetMethod);
                var locks = lockOperation is not null;
                if (allocates)
                {
                    (allocations ??= new()).Add(call);
                }

                containsLockCall |= locks;
                if (locks && locksOnlyInUsingGuards)
                {
                    locksOnlyInUsingGuards = UsingGuards.IsGuardResource(call, lockOperation!, symbols);
                }

                if (SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingAssembly, assembly))
                {
                    (ownCalls ??= new()).Add(call);
                }
                else if (librariesMayDeclareHelpers && !callsLibraryLockHelper)
                {
                    callsLibraryLockHelper = AtomicContext.LibraryLockHelpers.IsAnnotated(call.TargetMethod, symbols);
                }

                if (runs)
                {
                    function.HasAllocations |= allocates;
                    function.HasLockCalls |= locks;
                }
            }

            if (operation.Kind is OperationKind.Loop or OperationKind.Using or OperationKind.UsingDeclaration)
            {
                // A foreach's GetEnumerator / MoveNext / Dispose, a using's Dispose: calls of the graph, not of the tree.
                Summaries.HiddenOwnCalls.Collect(operation, assembly, ref hiddenOwnCalls);
                if (librariesMayDeclareHelpers && locksOnlyInUsingGuards && operation is IForEachLoopOperation or IUsingOperation or IUsingDeclarationOperation)
                {
                    // A library's lock helper may hide there (an annotated GetEnumerator or Dispose), which no invocation of
                    // the tree shows (CallsLibraryLockHelper reads those only): only the runtime guards' own Dispose is known.
                    locksOnlyInUsingGuards = UsingGuards.DisposesOnlyLockGuards(operation, symbols);
                }
            }

            if (operation is IMethodReferenceOperation { Parent: IDelegateCreationOperation } reference)
            {
                (delegatedMethods ??= new()).Add(reference);
            }

            var kind = SleepingCallKind.None;
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

                (kind, var method) = SleepingCalls.Classify(operation, symbols, assembly);
                if (kind != SleepingCallKind.None)
                {
                    function.AddCall(operation, kind, method!);
                }
            }

            if (!passesFlagsToOwnMethod && operation is IInvocationOperation or IObjectCreationOperation && PassesFlags(operation, symbols))
            {
                passesFlagsToOwnMethod = (runs ? kind : SleepingCalls.Classify(operation, symbols, assembly).Kind) == SleepingCallKind.SourceMethod;
            }

            foreach (var child in operation.ChildOperations)
            {
                // Branches that never run still count for the allocation and lock pre-checks, which look at every call.
                stack.Push((child, function, runs && !NeverRuns(operation, child)));
            }
        }

        s_spareStack = stack;
        return new MethodScan(owner, functions, allocations, containsLockCall, delegatedMethods, ownCalls, hiddenOwnCalls, passesFlagsToOwnMethod, callsLibraryLockHelper,
            locksOnlyInUsingGuards);
    }

    /// <summary>A call argument of type Gfp: the only calls whose flags FlagsThroughCalls can judge.</summary>
    public static bool PassesFlags(IOperation call, RuntimeSymbols symbols)
    {
        var arguments = call switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => System.Collections.Immutable.ImmutableArray<IArgumentOperation>.Empty,
        };
        foreach (var argument in arguments)
        {
            if (argument.Parameter is { } parameter && symbols.IsGfp(parameter.Type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The branch of `if (false)` / `if (Debug)` on a false const (a translated IS_ENABLED) that cannot run.</summary>
    private static bool NeverRuns(IOperation parent, IOperation child)
        => parent is IConditionalOperation { Condition.ConstantValue: { HasValue: true, Value: bool value } } conditional
           && child == (value ? conditional.WhenFalse : conditional.WhenTrue);
}
