using System;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace GfpAnalyzers.Analyzers.Operations;

/// <summary>
/// A value computed once from a control-flow graph for the symbol that owns it, kept as long as the graph lives. The
/// owner is part of the key because a partial method's definition and implementation part share one graph: a question
/// for another owner is computed afresh and not stored.
/// </summary>
internal sealed class PerGraphCache<T>
    where T : class
{
    private readonly ConditionalWeakTable<ControlFlowGraph, Entry> _values = new();

    public T Get<TState>(ControlFlowGraph graph, ISymbol owner, TState state, Func<ControlFlowGraph, ISymbol, TState, T> compute)
    {
        if (_values.TryGetValue(graph, out var known) && SymbolEqualityComparer.Default.Equals(known.Owner, owner))
        {
            return known.Value;
        }

        var value = compute(graph, owner, state);
        if (known is null)
        {
            // Two threads may compute for the same graph: both get equal values, the first stored is kept.
            var stored = _values.GetValue(graph, _ => new Entry(owner, value));
            if (SymbolEqualityComparer.Default.Equals(stored.Owner, owner))
            {
                return stored.Value;
            }
        }

        return value;
    }

    private sealed class Entry
    {
        public Entry(ISymbol owner, T value)
        {
            Owner = owner;
            Value = value;
        }

        public ISymbol Owner { get; }

        public T Value { get; }
    }
}
