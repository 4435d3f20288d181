using System.Linq;
using System.Threading;
using GfpAnalyzers.Analyzers.AtomicContext;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>
/// Whether a function that returns holding a lock on every path is used as an acquire helper (<c>__acquires</c>): some
/// caller releases a lock of that family after calling it. Releasing the lock inside such a function would leave each of
/// those releases unpaired (a new GFP008 in the caller), so GFP008's fix is not offered there. Callers are found as
/// <see cref="AtomicCallers"/> finds them; a reference that is not a plain call (a method group handed on) counts as a
/// caller that may release.
/// </summary>
internal static class AcquireHelperCallers
{
    public static bool AnyCallerReleases(SyntaxNode node, LockFamily family, FixSession session, CancellationToken cancellationToken)
    {
        if (AtomicCallers.FunctionSymbol(node, session.Model, cancellationToken) is not { } function)
        {
            return true;
        }

        foreach (var reference in AtomicCallers.References(function, session, cancellationToken))
        {
            if (AtomicCallers.InvocationOf(reference) is not { } call || FixTargets.EnclosingFunction(call) is not { } caller)
            {
                return true;
            }

            var model = AtomicCallers.ModelFor(call.SyntaxTree, session);
            if (caller.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(invocation =>
                    model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method
                    && session.Symbols.Locks.Classify(method) is { Role: LockRole.Release } release
                    && release.Family == family))
            {
                return true;
            }
        }

        return false;
    }
}
