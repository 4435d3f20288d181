using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Interprocedural;

/// <summary>
/// Whether a method of the compilation invokes the delegate passed for one of its parameters in atomic context (its
/// summary says so, at any depth): a lambda passed there runs in that context, as if the parameter were marked
/// <c>[InvokedInAtomicContext]</c>. Virtual dispatch and methods without a body here are unknown: not followed.
/// </summary>
internal static class CallbackSummaries
{
    public static bool InvokesInAtomicContext(IInvocationOperation invocation, IParameterSymbol parameter, RuntimeSymbols symbols)
    {
        var callee = invocation.TargetMethod;
        if (invocation.SemanticModel?.Compilation is not { } compilation || LocalFacts.IsUnknownDispatch(invocation)
            || callee.IsAbstract || callee.IsExtern || callee.MethodKind == MethodKind.DelegateInvoke
            || !SymbolEqualityComparer.Default.Equals(callee.ContainingAssembly, compilation.Assembly))
        {
            return false;
        }

        var summary = SummaryStore.For(compilation, symbols).Get(callee, System.Threading.CancellationToken.None);
        return summary.AtomicallyInvoked.Contains(parameter.Ordinal);
    }
}
