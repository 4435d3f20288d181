using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// A lambda passed straight to a parameter marked <c>[InvokedInAtomicContext]</c> (such as
/// <c>Interrupts.RunHardirq(() => ...)</c>), or to a parameter a method of the compilation invokes in atomic context (its
/// summary says so), runs in atomic context: the callee invokes it there. A lambda stored first
/// and passed later, or a method group, is not followed here.
/// </summary>
internal static class AtomicCallbacks
{
    /// <summary>The method that invokes <paramref name="lambda"/> in atomic context, or null.</summary>
    public static IMethodSymbol? InvokerOf(IAnonymousFunctionOperation lambda, RuntimeSymbols symbols)
    {
        IOperation current = lambda;
        while (current.Parent is IDelegateCreationOperation or IConversionOperation)
        {
            current = current.Parent;
        }

        // Marked on the parameter, or (issue 10) the callee's summary says it invokes that parameter in atomic context.
        return current.Parent is IArgumentOperation { Parameter: { } parameter } argument
               && argument.Parent is IInvocationOperation invocation
               && (symbols.HasAttribute(parameter, symbols.InvokedInAtomicContextAttribute)
                   || Interprocedural.CallbackSummaries.InvokesInAtomicContext(invocation, parameter, symbols))
            ? invocation.TargetMethod
            : null;
    }

    /// <summary>The lambda whose graph <paramref name="owner"/> is, if any.</summary>
    public static IAnonymousFunctionOperation? LambdaOf(Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraph graph, ISymbol owner)
        => owner is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction }
            ? graph.OriginalOperation as IAnonymousFunctionOperation ?? graph.OriginalOperation.Parent as IAnonymousFunctionOperation
            : null;
}
