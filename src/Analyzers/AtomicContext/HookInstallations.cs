using System.Threading;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// Code that becomes an <c>EarlyAllocHook</c> (passed to <c>PageAllocator.SetEarlyAllocHook</c>, stored in such a
/// delegate) runs inside the allocator under <c>rcu_read_lock()</c>, with or without <c>[AllocationHook]</c>:
/// a lambda converted to the delegate, or a method whose method group is converted to it in its own file.
/// </summary>
internal static class HookInstallations
{
    public static bool IsInstalledHook(ControlFlowGraph graph, ISymbol owner, RuntimeSymbols symbols, CancellationToken ct)
    {
        if (symbols.EarlyAllocHook is null || owner is not IMethodSymbol method || !HasHookShape(method, symbols))
        {
            return false;
        }

        if (method.MethodKind == MethodKind.AnonymousFunction)
        {
            var lambda = graph.OriginalOperation as IAnonymousFunctionOperation ?? graph.OriginalOperation.Parent as IAnonymousFunctionOperation;
            return lambda is not null && ConvertsToHook(lambda.Parent, symbols);
        }

        // A method group: look for its conversions to the delegate in the type's declarations in this file.
        var model = graph.OriginalOperation.SemanticModel;
        if (model is null)
        {
            return false;
        }

        foreach (var reference in method.ContainingType.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != model.SyntaxTree)
            {
                continue;
            }

            foreach (var node in reference.GetSyntax(ct).DescendantNodes())
            {
                if (node is not IdentifierNameSyntax identifier || identifier.Identifier.ValueText != method.Name)
                {
                    continue;
                }

                var operation = model.GetOperation(identifier, ct);
                if (operation is IDelegateCreationOperation { Target: { } target })
                {
                    operation = target;
                }

                if (operation is IMethodReferenceOperation methodReference
                    && SymbolEqualityComparer.Default.Equals(methodReference.Method.OriginalDefinition, method.OriginalDefinition)
                    && ConvertsToHook(methodReference.Parent, symbols))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>void (ulong, Gfp): the only methods that can become an <c>EarlyAllocHook</c> (a cheap first filter).</summary>
    public static bool HasHookShape(IMethodSymbol method, RuntimeSymbols symbols)
        => symbols.EarlyAllocHook is not null
           && method.ReturnsVoid
           && method.Parameters.Length == 2
           && method.Parameters[0].Type.SpecialType == SpecialType.System_UInt64
           && symbols.IsGfp(method.Parameters[1].Type);

    private static bool ConvertsToHook(IOperation? parent, RuntimeSymbols symbols)
        => parent is IDelegateCreationOperation creation && SymbolEqualityComparer.Default.Equals(creation.Type, symbols.EarlyAllocHook);
}
