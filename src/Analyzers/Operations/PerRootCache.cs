using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Operations;

/// <summary>
/// A value per operation-tree root, kept in one table per semantic model. The driver gives every rule the same model
/// per tree, and the model keeps the operation trees it bound alive anyway, so the table keeps nothing alive longer than
/// it lives: no leak across compilations, and one weak entry per tree, not per root (each weak entry is a dependent
/// handle the GC scans). Lookups take no lock; when two threads store at once, both get the value stored first.
/// </summary>
internal sealed class PerRootCache<TValue>
    where TValue : class
{
    private static readonly ConditionalWeakTable<SemanticModel, ConcurrentDictionary<IOperation, TValue>>.CreateValueCallback NewTable
        = _ => new ConcurrentDictionary<IOperation, TValue>();

    private readonly ConditionalWeakTable<SemanticModel, ConcurrentDictionary<IOperation, TValue>> _tables = new();

    /// <summary>The value stored for <paramref name="root"/>, or null (also for a root bound outside a semantic model).</summary>
    public TValue? Find(IOperation root)
        => root.SemanticModel is { } model && _tables.GetValue(model, NewTable).TryGetValue(root, out var value) ? value : null;

    /// <summary>Stores <paramref name="value"/> unless a value is there already; returns the one kept.</summary>
    public TValue Keep(IOperation root, TValue value)
        => root.SemanticModel is { } model ? _tables.GetValue(model, NewTable).GetOrAdd(root, value) : value;
}
