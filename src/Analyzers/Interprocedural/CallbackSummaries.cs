using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Interprocedural;

/// <summary>
/// Whether a method of the compilation invokes the delegate passed for one of its parameters in atomic context (its
/// summary says so, at any depth): a lambda or method group passed there runs in that context, as if the parameter were
/// marked <c>[InvokedInAtomicContext]</c>. Virtual dispatch and methods without a body here are unknown: not followed.
/// </summary>
internal static class CallbackSummaries
{
    public static bool InvokesInAtomicContext(IInvocationOperation invocation, IParameterSymbol parameter, RuntimeSymbols symbols)
        => InvocationContext(invocation, parameter, symbols) is not null;

    /// <summary>
    /// Where <paramref name="invocation"/>'s callee invokes the delegate passed for <paramref name="parameter"/> in atomic
    /// context, completing "invokes it ___" ("inside the spin_lock section of '_lock' entered at line 12", "in atomic
    /// context" for an <c>[InvokedInAtomicContext]</c> parameter); null when it does not (or the callee is unknown).
    /// </summary>
    public static string? InvocationContext(IInvocationOperation invocation, IParameterSymbol parameter, RuntimeSymbols symbols)
    {
        if (symbols.HasAttribute(parameter, symbols.InvokedInAtomicContextAttribute))
        {
            return "in atomic context";
        }

        var callee = invocation.TargetMethod;
        if (invocation.SemanticModel?.Compilation is not { } compilation || LocalFacts.IsUnknownDispatch(invocation)
            || callee.IsAbstract || callee.IsExtern || callee.MethodKind == MethodKind.DelegateInvoke
            || !SymbolEqualityComparer.Default.Equals(callee.ContainingAssembly, compilation.Assembly))
        {
            return null;
        }

        var summary = SummaryStore.For(compilation, symbols).Get(callee, System.Threading.CancellationToken.None);
        return summary.InvocationContextOf(parameter.Ordinal);
    }

    /// <summary>"through 'ForEachLocked' inside the spin_lock section ...": handed on to a method that invokes it there.</summary>
    public static string Through(ISymbol callee, string context)
        => $"through '{callee.Name}' {context}";
}
