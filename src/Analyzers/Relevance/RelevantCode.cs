using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Analyzers.Relevance;

/// <summary>
/// Registers a rule's operation actions only for the types the relevance gate lets through
/// (<see cref="RelevantTypes"/>): the driver binds no body of any other type for our analyzers.
/// </summary>
internal static class RelevantCode
{
    public static void RegisterOperationBlockAction(CompilationStartAnalysisContext start, Action<OperationBlockAnalysisContext> action)
    {
        var types = RelevantTypes.Of(start.Compilation);
        start.RegisterSymbolStartAction(
            symbolStart =>
            {
                var type = (INamedTypeSymbol)symbolStart.Symbol;
                if (!types.MayMatter(type, symbolStart.CancellationToken))
                {
                    return;
                }

                symbolStart.RegisterOperationBlockAction(block =>
                {
                    // A nested type's members may also see the actions its container registered: run once, for the type
                    // that declares the member.
                    if (DeclaredIn(block.OwningSymbol, type))
                    {
                        action(block);
                    }
                });
            },
            SymbolKind.NamedType);
    }

    public static void RegisterOperationAction(CompilationStartAnalysisContext start, Action<OperationAnalysisContext> action, params OperationKind[] kinds)
    {
        var types = RelevantTypes.Of(start.Compilation);
        start.RegisterSymbolStartAction(
            symbolStart =>
            {
                var type = (INamedTypeSymbol)symbolStart.Symbol;
                if (!types.MayMatter(type, symbolStart.CancellationToken))
                {
                    return;
                }

                symbolStart.RegisterOperationAction(
                    operation =>
                    {
                        if (DeclaredIn(operation.ContainingSymbol, type))
                        {
                            action(operation);
                        }
                    },
                    kinds);
            },
            SymbolKind.NamedType);
    }

    private static bool DeclaredIn(ISymbol member, INamedTypeSymbol type)
        => SymbolEqualityComparer.Default.Equals(member as INamedTypeSymbol ?? member.ContainingType, type);
}
