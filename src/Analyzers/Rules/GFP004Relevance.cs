using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.FlagValues;
using GfpAnalyzers.Analyzers.PageObligations;
using GfpAnalyzers.Analyzers.Summaries;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>
/// GFP004's cheap pre-check, one walk over a method's operation blocks (its lambdas and local functions included): a graph is built and the obligation dataflow run only when the block has both
/// <list type="bullet">
/// <item>a source of a reportable page: an allocation whose flags may carry NoCodetag (a constant without the bit never
/// does: the flag analysis can only give it that constant's value or none), a <c>[NoCodetagPages]</c> member, return or
/// parameter (of the method or of a nested function), or a call of this compilation that returns a page;</item>
/// <item>a place a report can sit: a free, or a call of this compilation that hands a page over (a summary that frees
/// it uncleared is reported there). A free right after a statement that clears the same variable
/// (<c>allocator.ClearPageTagRef(page); allocator.FreePage(page);</c>, the shape the code fix writes) is no such place:
/// nothing runs in between, so every page the variable may hold is cleared there.</item>
/// </list>
/// Without both no path can reach a report, and the method's own summary is computed apart, by the summary store, when a
/// caller asks. Code that does not bind is never analyzed.
/// </summary>
internal sealed class GFP004Relevance
{
    /// <summary>The walk's stack, kept by each analyzer thread (the walk never nests).</summary>
    [ThreadStatic]
    private static Stack<IOperation>? t_pending;

    private readonly ObligationEnvironment _environment;

    private GFP004Relevance(ObligationEnvironment environment) => _environment = environment;

    public bool IsBroken { get; private set; }

    /// <summary>Some operation may produce a page whose frees are reported.</summary>
    public bool HasSource { get; private set; }

    /// <summary>Some operation may report: a free not right after a clear of its page, or a call of this compilation handed a page.</summary>
    public bool HasSink { get; private set; }

    /// <summary>
    /// One walk of the operation blocks (a loop over an explicit stack: nesting is the input's) with their lambdas and
    /// local functions; it stops at the first operation that does not bind.
    /// </summary>
    public static GFP004Relevance Of(ImmutableArray<IOperation> blocks, ObligationEnvironment environment)
    {
        var relevance = new GFP004Relevance(environment);
        // Taken, not shared: a walk that somehow started another on this thread must not empty this one's stack.
        var pending = t_pending ?? new Stack<IOperation>();
        t_pending = null;
        pending.Clear();
        foreach (var block in blocks)
        {
            pending.Push(block);
        }

        while (pending.Count > 0 && !relevance.IsBroken)
        {
            var operation = pending.Pop();
            relevance.Note(operation);
            foreach (var child in operation.ChildOperations)
            {
                pending.Push(child);
            }
        }

        pending.Clear();
        t_pending = pending;
        return relevance;
    }

    // Dispatched on the kind (an enum) before any cast: every operation of every body passes here, and type tests
    // against the operation interfaces cost more than the rest of the walk.
    private void Note(IOperation operation)
    {
        switch (operation.Kind)
        {
            case OperationKind.Invalid:
                IsBroken = true;
                break;
            case OperationKind.Invocation:
                var invocation = (IInvocationOperation)operation;
                // The flags only ever get set: once one is, no later operation needs asking about it.
                if (!HasSink)
                {
                    NoteCall(invocation.TargetMethod, invocation.Arguments, invocation);
                }

                if (!HasSource && IsSource(invocation))
                {
                    HasSource = true;
                }

                break;
            case OperationKind.ObjectCreation when !HasSink && ((IObjectCreationOperation)operation).Constructor is { } constructor:
                NoteCall(constructor, ((IObjectCreationOperation)operation).Arguments);
                break;
            case OperationKind.FieldReference or OperationKind.PropertyReference or OperationKind.EventReference or OperationKind.MethodReference when !HasSource:
                if (_environment.IsAnnotated(((IMemberReferenceOperation)operation).Member))
                {
                    HasSource = true;
                }

                break;
            case OperationKind.LocalFunction when !HasSource:
                NoteParameters(((ILocalFunctionOperation)operation).Symbol);
                break;
            case OperationKind.AnonymousFunction when !HasSource:
                NoteParameters(((IAnonymousFunctionOperation)operation).Symbol);
                break;
            case OperationKind.Loop when operation is IForEachLoopOperation loop && MayCallOwnEnumeratorExtension(loop):
            case OperationKind.Using when ((IUsingOperation)operation).IsAsynchronous:
            case OperationKind.UsingDeclaration when ((IUsingDeclarationOperation)operation).IsAsynchronous:
                // The graph lowers these to calls the operation tree does not show: a GetEnumerator (or, to be safe, a
                // DisposeAsync) extension method of this compilation receives the collection (resource) as an argument.
                HasSink = true;
                HasSource = true;
                break;
        }
    }

    private bool IsSource(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (_environment.IsAllocation(method))
        {
            return _environment.Symbols.FlagsArgument(invocation) is { } flags && MayCarryNoCodetag(flags.Value);
        }

        return _environment.ReturnIsAnnotated(method) || (_environment.ReturnsPage(method) && IsOwn(method));
    }

    /// <summary>
    /// False for flags no analysis can find NoCodetag in on every path (a page is a NoCodetag page only then): a
    /// constant without the bit, or any flags of a body where no value can have the bit as a must
    /// (<see cref="ConstantSourceBits.MustBound"/>: flags chosen at run time among constants without it, or handed in).
    /// </summary>
    private bool MayCarryNoCodetag(IOperation flags)
    {
        var symbols = _environment.Symbols;
        var noCodetag = symbols.Bits.NoCodetag;
        if (noCodetag == 0)
        {
            return false;
        }

        if (AllocationSites.ConstantBitsOf(flags, symbols) is { } bits)
        {
            return (bits & noCodetag) != 0;
        }

        return (ConstantSourceBits.MustBound(FunctionScan.RootOf(flags), symbols) & noCodetag) != 0;
    }

    private void NoteCall(IMethodSymbol method, ImmutableArray<IArgumentOperation> arguments, IInvocationOperation? invocation = null)
    {
        var sink = _environment.Symbols.IsFree(method)
            ? invocation is null || !FreesWhatTheStatementBeforeCleared(invocation)
            : IsOwn(method) && method.MethodKind != MethodKind.DelegateInvoke && _environment.HandsOverPage(arguments);
        if (sink)
        {
            HasSink = true;
        }
    }

    /// <summary>
    /// <c>allocator.ClearPageTagRef(page); allocator.FreePage(page);</c>: the free is a statement of a block, the statement
    /// before it clears the same local or parameter, and both only read plain values besides (no call, no assignment).
    /// Whatever page the variable holds is then cleared when the free runs, on every path: the analysis cannot report it.
    /// </summary>
    private bool FreesWhatTheStatementBeforeCleared(IInvocationOperation free)
    {
        if (free.Parent is not IExpressionStatementOperation { Parent: IBlockOperation block } statement
            || PageVariable(free) is not { } page)
        {
            return false;
        }

        var index = block.Operations.IndexOf(statement);
        return index > 0
               && block.Operations[index - 1] is IExpressionStatementOperation { Operation: IInvocationOperation clear }
               && _environment.IsClear(clear.TargetMethod)
               && clear.Arguments.Length == 1
               && SymbolEqualityComparer.Default.Equals(PageVariable(clear), page);
    }

    /// <summary>
    /// The local or parameter a clear or free is given as its page, when its receiver and every other argument are plain
    /// reads; otherwise null.
    /// </summary>
    private ISymbol? PageVariable(IInvocationOperation call)
    {
        if (!IsPlainRead(call.Instance))
        {
            return null;
        }

        ISymbol? page = null;
        foreach (var argument in call.Arguments)
        {
            if (page is null && SymbolEqualityComparer.Default.Equals(argument.Parameter?.Type, _environment.Symbols.Page))
            {
                page = argument.Value switch
                {
                    ILocalReferenceOperation local => local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };
                if (page is null)
                {
                    return null;
                }
            }
            else if (!IsPlainRead(argument.Value))
            {
                return null;
            }
        }

        return page;
    }

    /// <summary>A constant, <c>this</c>, a local, a parameter, or a field or property of one: evaluating it changes nothing.</summary>
    private static bool IsPlainRead(IOperation? operation)
    {
        while (true)
        {
            switch (operation)
            {
                case null or IInstanceReferenceOperation or ILocalReferenceOperation or IParameterReferenceOperation:
                    return true;
                case IConversionOperation { OperatorMethod: null } conversion:
                    operation = conversion.Operand;
                    break;
                case IFieldReferenceOperation field:
                    operation = field.Instance;
                    break;
                case IPropertyReferenceOperation { Arguments.IsEmpty: true } property:
                    operation = property.Instance;
                    break;
                default:
                    return operation.ConstantValue.HasValue;
            }
        }
    }

    private void NoteParameters(IMethodSymbol function)
    {
        foreach (var parameter in function.Parameters)
        {
            if (_environment.IsAnnotated(parameter))
            {
                HasSource = true;
                return;
            }
        }
    }

    private bool IsOwn(IMethodSymbol method) => SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _environment.CompilationAssembly);

    /// <summary>
    /// A foreach whose GetEnumerator is an extension method of this compilation (or that the model cannot tell): the
    /// graph calls it with the collection as its argument.
    /// </summary>
    private bool MayCallOwnEnumeratorExtension(IForEachLoopOperation loop)
    {
        if (loop.Syntax is not CommonForEachStatementSyntax syntax || loop.SemanticModel is not { } model)
        {
            return true;
        }

        var getEnumerator = model.GetForEachStatementInfo(syntax).GetEnumeratorMethod;
        return getEnumerator is not null && (getEnumerator.IsExtensionMethod || getEnumerator.ReducedFrom is not null || !getEnumerator.Parameters.IsEmpty)
               && IsOwn(getEnumerator.ReducedFrom ?? getEnumerator);
    }
}
