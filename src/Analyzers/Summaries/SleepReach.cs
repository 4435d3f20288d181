// Whether a method could sleep at all, from operation trees alone (no control-flow graph, no data flow): the cheap
// question GFP010 asks before building a summary.
//
//   SleepReach.For(compilation, symbols).MayReachSleep(method, ct)
//
// A summary says a method sleeps only because some method it reaches through calls to methods of this compilation
// allocates or calls Rcu.Synchronize() or a [MightSleep] member. This walks the same call graph, over-approximated:
// every member any operation of a body names (invocations, constructors, both property accessors, user-defined
// operators and conversions, event accessors, a record's clone method under `with`), lambdas and local functions
// included, and any construct whose hidden calls could reach a method of this compilation (foreach, using on a type
// declared here or disposed by pattern) counts as a sleep.
// False means no summary can say "sleeps": GFP010 then has nothing to report and builds nothing. True means only
// "ask the summary". Explicit stack; a walk that reaches more than MaxMethods methods answers true.
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using GfpAnalyzers.Analyzers.Interprocedural;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Summaries;

internal sealed class SleepReach
{
    /// <summary>Methods one question may visit before it gives up and answers "may sleep" (the summary decides then).</summary>
    public const int MaxMethods = 2000;

    private static readonly ConditionalWeakTable<Compilation, SleepReach> Instances = new();

    private readonly Compilation _compilation;
    private readonly RuntimeSymbols _symbols;

    /// <summary>Per method (summary key): null when its own body may sleep, otherwise the methods it may call.</summary>
    private readonly ConcurrentDictionary<IMethodSymbol, IReadOnlyList<IMethodSymbol>?> _bodies = new(SymbolEqualityComparer.Default);

    /// <summary>Methods known to reach no sleep.</summary>
    private readonly ConcurrentDictionary<IMethodSymbol, bool> _cannotSleep = new(SymbolEqualityComparer.Default);

    /// <summary>One walk's collections, kept per thread between questions (most walks are small: no growth, no garbage).</summary>
    [System.ThreadStatic]
    private static Walk? s_spareWalk;

    private SleepReach(Compilation compilation, RuntimeSymbols symbols)
    {
        _compilation = compilation;
        _symbols = symbols;
    }

    public static SleepReach For(Compilation compilation, RuntimeSymbols symbols)
        => Instances.TryGetValue(compilation, out var existing) ? existing : Create(compilation, symbols);

    // Apart from For: the closure is allocated once per compilation, not on every lookup.
    private static SleepReach Create(Compilation compilation, RuntimeSymbols symbols)
        => Instances.GetValue(compilation, c => new SleepReach(c, symbols));

    /// <summary>False only when no method reachable from <paramref name="root"/>'s operation tree can sleep.</summary>
    public bool MayReachSleep(IOperation root, CancellationToken ct)
    {
        // Taken, not shared: a nested question on this thread (none today) would get collections of its own.
        var walk = s_spareWalk ?? new Walk();
        s_spareWalk = null;
        try
        {
            return MayReachSleep(root, walk, ct);
        }
        finally
        {
            walk.Clear();
            s_spareWalk = walk;
        }
    }

    private bool MayReachSleep(IOperation root, Walk walk, CancellationToken ct)
    {
        if (!Callees(root, walk.Operations, walk.RootCallees))
        {
            return true;
        }

        var visited = walk.Visited;
        var work = walk.Methods;
        foreach (var callee in walk.RootCallees)
        {
            if (visited.Add(callee))
            {
                work.Push(callee);
            }
        }

        while (work.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var method = work.Pop();
            if (_cannotSleep.ContainsKey(method))
            {
                continue;
            }

            if (visited.Count > MaxMethods || Body(method, walk.Operations, ct) is not { } next)
            {
                return true;
            }

            foreach (var callee in next)
            {
                if (visited.Add(callee))
                {
                    work.Push(callee);
                }
            }
        }

        // Everything reachable was walked and none of it sleeps (adding takes a lock: only what is new).
        foreach (var method in visited)
        {
            if (!_cannotSleep.ContainsKey(method))
            {
                _cannotSleep.TryAdd(method, true);
            }
        }

        return false;
    }

    private IReadOnlyList<IMethodSymbol>? Body(IMethodSymbol key, Stack<IOperation> operations, CancellationToken ct)
    {
        if (_bodies.TryGetValue(key, out var known))
        {
            return known;
        }

        // No tree for the body (no single declaration, no operation for it): no summary can be built either, and the
        // summary of a caller skips an unknown callee, so such a method adds no sleep.
        IReadOnlyList<IMethodSymbol>? callees = System.Array.Empty<IMethodSymbol>();
        if (RootOf(key, ct) is { } root)
        {
            var found = new List<IMethodSymbol>();
            callees = !Callees(root, operations, found) ? null : found.Count == 0 ? System.Array.Empty<IMethodSymbol>() : found;
        }

        return _bodies.GetOrAdd(key, callees);
    }

    /// <summary>
    /// The operation-tree root of <paramref name="key"/>'s body, or null when there is none. Null exactly where
    /// <see cref="MethodBodies.TryGetGraph"/> finds no operation (it is null in more cases, never in fewer).
    /// </summary>
    private IOperation? RootOf(IMethodSymbol key, CancellationToken ct)
    {
        var body = key.PartialImplementationPart ?? key;
        if (body.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        var syntax = body.DeclaringSyntaxReferences[0].GetSyntax(ct);
        if (!_compilation.ContainsSyntaxTree(syntax.SyntaxTree))
        {
            return null;
        }

        // Served from the driver's cache of semantic models (see MethodBodies.TryGetGraph).
#pragma warning disable RS1030
        var operation = _compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax, ct);
#pragma warning restore RS1030
        return operation is null ? null : FunctionScan.RootOf(operation);
    }

    /// <summary>
    /// Adds to <paramref name="callees"/> the methods of this compilation the tree under <paramref name="root"/> may call;
    /// false when it may sleep itself (or hides calls this walk cannot name). <paramref name="stack"/> is empty before and after.
    /// </summary>
    private bool Callees(IOperation root, Stack<IOperation> stack, List<IMethodSymbol> callees)
    {
        var assembly = _compilation.Assembly;
        stack.Push(root);
        while (stack.Count > 0)
        {
            var operation = stack.Pop();
            switch (operation)
            {
                case IInvocationOperation invocation when _symbols.IsAllocation(invocation.TargetMethod):
                    stack.Clear();
                    return false;
                case IForEachLoopOperation or IUsingOperation or IUsingDeclarationOperation when HidesOwnCalls(operation, assembly):
                    stack.Clear();
                    return false;
            }

            if (SleepingCalls.Classify(operation, _symbols, assembly).Kind is SleepingCallKind.Synchronize or SleepingCallKind.MightSleep)
            {
                stack.Clear();
                return false;
            }

            switch (operation)
            {
                case IInvocationOperation invocation:
                    Add(callees, invocation.TargetMethod, assembly);
                    break;
                case IObjectCreationOperation creation:
                    Add(callees, creation.Constructor, assembly);
                    break;
                case IPropertyReferenceOperation property:
                    Add(callees, property.Property.GetMethod, assembly);
                    Add(callees, property.Property.SetMethod, assembly);
                    break;
                case IWithOperation { CloneMethod: { } clone }:
                    // A record's `with` calls its clone method (the graph has that call; the initializer's setters are
                    // property references below): a callee like any other, whose body (if any) is walked.
                    Add(callees, clone, assembly);
                    break;
                case IMethodReferenceOperation reference:
                    // A method group handed on as a delegate: a callee may invoke it (callback summaries).
                    Add(callees, reference.Method, assembly);
                    break;
                case IEventReferenceOperation @event:
                    Add(callees, @event.Event.AddMethod, assembly);
                    Add(callees, @event.Event.RemoveMethod, assembly);
                    break;
                case IBinaryOperation binary:
                    Add(callees, binary.OperatorMethod, assembly);
                    break;
                case IUnaryOperation unary:
                    Add(callees, unary.OperatorMethod, assembly);
                    break;
                case IConversionOperation conversion:
                    Add(callees, conversion.OperatorMethod, assembly);
                    break;
                case IIncrementOrDecrementOperation increment:
                    Add(callees, increment.OperatorMethod, assembly);
                    break;
                case ICompoundAssignmentOperation compound:
                    Add(callees, compound.OperatorMethod, assembly);
                    break;
            }

            foreach (var child in operation.ChildOperations)
            {
                stack.Push(child);
            }
        }

        return true;
    }

    /// <summary>A foreach or using whose hidden calls (GetEnumerator, MoveNext, Current, Dispose) may be methods of this compilation.</summary>
    private static bool HidesOwnCalls(IOperation operation, IAssemblySymbol assembly)
    {
        if (operation is IForEachLoopOperation)
        {
            if (operation.Syntax is not CommonForEachStatementSyntax syntax || operation.SemanticModel is not { } model)
            {
                return true;
            }

            var info = model.GetForEachStatementInfo(syntax);
            return Here(info.GetEnumeratorMethod, assembly) || Here(info.MoveNextMethod, assembly)
                || Here(info.CurrentProperty, assembly) || Here(info.DisposeMethod, assembly)
                || Here(info.ElementConversion.MethodSymbol, assembly);
        }

        var (resources, isAsynchronous) = operation switch
        {
            IUsingOperation @using => (@using.Resources, @using.IsAsynchronous),
            IUsingDeclarationOperation declaration => ((IOperation)declaration.DeclarationGroup, declaration.IsAsynchronous),
            _ => (operation, true),
        };

        // The only hidden call of a using is the resource's Dispose (DisposeAsync). Through System.IDisposable it is the
        // interface's method, never one of this compilation; a pattern-based Dispose (ref struct, await using) may be.
        if (isAsynchronous)
        {
            return true;
        }

        if (resources is IVariableDeclarationGroupOperation group)
        {
            foreach (var declaration in group.Declarations)
            {
                foreach (var declarator in declaration.Declarators)
                {
                    if (!DisposesThroughInterface(declarator.Symbol.Type, assembly))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        // An expression, possibly converted to IDisposable: every type along the conversions must dispose through the interface.
        for (var part = resources; ; part = ((IConversionOperation)part).Operand)
        {
            if (!DisposesThroughInterface(part.Type, assembly))
            {
                return true;
            }

            if (part is not IConversionOperation { OperatorMethod: null })
            {
                return false;
            }
        }
    }

    /// <summary>A type declared elsewhere that implements System.IDisposable and is not a ref struct: disposed through the interface.</summary>
    private static bool DisposesThroughInterface(ITypeSymbol? type, IAssemblySymbol assembly)
    {
        if (type is null || type.TypeKind is TypeKind.Error or TypeKind.TypeParameter || type.IsRefLikeType || Here(type, assembly))
        {
            return false;
        }

        if (type.SpecialType == SpecialType.System_IDisposable)
        {
            return true;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (implemented.SpecialType == SpecialType.System_IDisposable)
            {
                return true;
            }
        }

        return false;
    }

    private static void Add(List<IMethodSymbol> callees, IMethodSymbol? method, IAssemblySymbol assembly)
    {
        if (method is null || !Here(method, assembly) || method.MethodKind == MethodKind.LocalFunction)
        {
            // Local functions are walked with the body that declares them (the only one that can call them).
            return;
        }

        callees.Add(SummaryStore.Key(method));
    }

    private static bool Here(ISymbol? symbol, IAssemblySymbol assembly)
        => symbol is not null && SymbolEqualityComparer.Default.Equals(symbol.OriginalDefinition.ContainingAssembly, assembly);

    /// <summary>The collections of one question: emptied after it, reused by the next on the same thread.</summary>
    private sealed class Walk
    {
        public HashSet<IMethodSymbol> Visited { get; } = new(SymbolEqualityComparer.Default);

        public Stack<IMethodSymbol> Methods { get; } = new();

        public Stack<IOperation> Operations { get; } = new();

        public List<IMethodSymbol> RootCallees { get; } = new();

        public void Clear()
        {
            Visited.Clear();
            Methods.Clear();
            Operations.Clear();
            RootCallees.Clear();
        }
    }
}
