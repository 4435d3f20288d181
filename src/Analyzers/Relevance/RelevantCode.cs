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
        => ForRelevantTypes(start, (symbolStart, type) => symbolStart.RegisterOperationBlockAction(block =>
        {
            if (DeclaredIn(block.OwningSymbol, type))
            {
                action(block);
            }
        }));

    public static void RegisterOperationAction(CompilationStartAnalysisContext start, Action<OperationAnalysisContext> action, params OperationKind[] kinds)
        => ForRelevantTypes(start, (symbolStart, type) => symbolStart.RegisterOperationAction(
            operation =>
            {
                if (DeclaredIn(operation.ContainingSymbol, type))
                {
                    action(operation);
                }
            },
            kinds));

    private static void ForRelevantTypes(CompilationStartAnalysisContext start, Action<SymbolStartAnalysisContext, INamedTypeSymbol> register)
    {
        var types = RelevantTypes.Of(start.Compilation);
        start.RegisterSymbolStartAction(
            symbolStart =>
            {
                var type = (INamedTypeSymbol)symbolStart.Symbol;
                if (types.MayMatter(type, symbolStart.CancellationToken))
                {
                    register(symbolStart, type);
                }
            },
            SymbolKind.NamedType);
    }

    // A nested type's members may also see the actions its container registered: run once, for the type that
    // declares the member.
    private static bool DeclaredIn(ISymbol member, INamedTypeSymbol type)
        => SymbolEqualityComparer.Default.Equals(member as INamedTypeSymbol ?? member.ContainingType, type);
}
