using System;
using System.Collections.Immutable;
using System.Threading;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.PageObligations;

/// <summary>
/// Per-compilation facts the obligation analysis needs: the runtime's symbols, the annotation, how to tell a
/// NoCodetag allocation, and the cache of method summaries (shared by every method of the compilation).
/// </summary>
internal sealed class ObligationEnvironment
{
    private readonly ObligationSummaryStore _store;

    public ObligationEnvironment(
        Compilation compilation,
        RuntimeSymbols symbols,
        Func<ControlFlowGraph, CancellationToken, Func<IOperation, bool?>> noCodetagFlagsFor)
    {
        Symbols = symbols;
        NoCodetagPagesAttribute = compilation.GetTypeByMetadataName(RuntimeSymbols.RuntimeNamespace + ".NoCodetagPagesAttribute");
        CompilationAssembly = compilation.Assembly;
        NoCodetagFlagsFor = noCodetagFlagsFor;
        _store = new ObligationSummaryStore(compilation, this);
    }

    public RuntimeSymbols Symbols { get; }

    public INamedTypeSymbol? NoCodetagPagesAttribute { get; }

    public IAssemblySymbol CompilationAssembly { get; }

    /// <summary>
    /// For one graph: does this flags expression (as it appears in the graph) carry NoCodetag on every path (true),
    /// on none (false), or maybe (null)?
    /// </summary>
    public Func<ControlFlowGraph, CancellationToken, Func<IOperation, bool?>> NoCodetagFlagsFor { get; }

    /// <summary><c>AllocPage</c>, <c>AllocPages</c> or <c>AllocPagesNode</c>: the allocator's entry points that take flags.</summary>
    public bool IsAllocation(IMethodSymbol method) => Symbols.IsAllocation(method);

    /// <summary><c>ClearPageTagRef</c> or <c>ClearPageTagRefIfNotSet</c>.</summary>
    public bool IsClear(IMethodSymbol method) => Symbols.IsClearPageTagRef(method);

    public bool IsAnnotated(ISymbol symbol) => Symbols.HasAttribute(symbol, NoCodetagPagesAttribute);

    public bool ReturnIsAnnotated(IMethodSymbol method)
    {
        if (NoCodetagPagesAttribute is null)
        {
            return false;
        }

        foreach (var attribute in method.GetReturnTypeAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, NoCodetagPagesAttribute))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The summary of a method of this compilation (see <see cref="ObligationSummaryStore"/>).</summary>
    public MethodObligationSummary GetSummary(IMethodSymbol method, ControlFlowGraph callerGraph, CancellationToken cancellationToken)
        => _store.Get(method, callerGraph, cancellationToken);

    /// <summary>
    /// A parameter of this type can receive a <c>Page</c> (sealed) without a user-defined conversion: <c>Page</c>, a base
    /// type or interface of it, or a type parameter. Only calls that hand a page to such a parameter, or return one, ask
    /// for the callee's summary (and are edges of the summary walk): helpers that take strings and counts cost nothing.
    /// </summary>
    public bool CanHoldPage(ITypeSymbol type)
    {
        if (type.TypeKind == TypeKind.TypeParameter || SymbolEqualityComparer.Default.Equals(type, Symbols.Page))
        {
            return true;
        }

        for (var baseType = Symbols.Page?.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(type, baseType))
            {
                return true;
            }
        }

        foreach (var implemented in Symbols.Page?.AllInterfaces ?? ImmutableArray<INamedTypeSymbol>.Empty)
        {
            if (SymbolEqualityComparer.Default.Equals(type, implemented))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Some argument goes to a parameter that can hold a page: what makes the analysis ask for the callee's summary
    /// (ref and out arguments are not handed over, they escape).
    /// </summary>
    public bool HandsOverPage(ImmutableArray<IArgumentOperation> arguments)
    {
        foreach (var argument in arguments)
        {
            if (argument.Parameter is { RefKind: not (RefKind.Ref or RefKind.Out) } parameter && CanHoldPage(parameter.Type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A method whose return value may carry a page its callers must clear: it returns a <c>Page</c>.</summary>
    public bool ReturnsPage(IMethodSymbol method)
        => SymbolEqualityComparer.Default.Equals(method.ReturnType, Symbols.Page);
}
