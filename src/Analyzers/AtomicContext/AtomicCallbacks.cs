using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// A lambda or method group passed straight to a parameter marked <c>[InvokedInAtomicContext]</c> (such as
/// <c>Interrupts.RunHardirq(() => ...)</c>), or to a parameter a method of the compilation invokes in atomic context (its
/// summary says so), runs in atomic context: the callee invokes it there. A delegate stored first and passed later is
/// not followed here.
/// </summary>
internal static class AtomicCallbacks
{
    /// <summary>The method that invokes <paramref name="lambda"/> in atomic context, or null.</summary>
    public static IMethodSymbol? InvokerOf(IAnonymousFunctionOperation lambda, RuntimeSymbols symbols)
        => Invocation(lambda, symbols, out _)?.TargetMethod;

    /// <summary>
    /// The call that hands <paramref name="callback"/> (a lambda or method reference) to a parameter its callee invokes in
    /// atomic context, and where it does (completing "invokes it ___"); null when there is none.
    /// </summary>
    public static IInvocationOperation? Invocation(IOperation callback, RuntimeSymbols symbols, out string? context)
    {
        context = null;
        IOperation current = callback;
        while (current.Parent is IDelegateCreationOperation or IConversionOperation)
        {
            current = current.Parent;
        }

        // Marked on the parameter, or (issue 10) the callee's summary says it invokes that parameter in atomic context.
        if (current.Parent is IArgumentOperation { Parameter: { } parameter } argument
            && argument.Parent is IInvocationOperation invocation
            && Interprocedural.CallbackSummaries.InvocationContext(invocation, parameter, symbols) is { } where)
        {
            context = where;
            return invocation;
        }

        return null;
    }

    /// <summary>The lambda whose graph <paramref name="owner"/> is, if any.</summary>
    public static IAnonymousFunctionOperation? LambdaOf(Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraph graph, ISymbol owner)
        => owner is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction }
            ? graph.OriginalOperation as IAnonymousFunctionOperation ?? graph.OriginalOperation.Parent as IAnonymousFunctionOperation
            : null;
}
