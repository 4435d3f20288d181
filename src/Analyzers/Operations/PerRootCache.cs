using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Operations;

/// <summary>
/// A value per operation-tree root, kept in one table per semantic model. The driver gives every rule the same model
/// per tree, and the model keeps the operation trees it bound alive anyway, so the table keeps nothing alive longer than
/// it lives: no leak across compilations, and one weak entry per tree, not per root (each weak entry is a dependent
/// handle the GC scans). Lookups take no lock; when two threads store at once, both get the value stored first.
/// Every cache (the scan of a root, its graph) keeps its value in a slot of one entry per root, shared by all of them:
/// one dictionary insertion per root (each takes a lock), not one per cache. Roots are hashed by their syntax's position
/// (<see cref="FlagValues.OperationIdentityComparer"/>), not by identity: a root's first identity hash writes its header.
/// </summary>
internal sealed class PerRootCache<TValue>
    where TValue : class
{
    private readonly int _slot = RootEntries.NewSlot();

    /// <summary>Past <see cref="RootEntries.Slots"/> caches (none today), a table of this cache's own.</summary>
    private readonly ConditionalWeakTable<SemanticModel, ConcurrentDictionary<IOperation, TValue>>? _own;

    public PerRootCache()
    {
        if (_slot >= RootEntries.Slots)
        {
            _own = new ConditionalWeakTable<SemanticModel, ConcurrentDictionary<IOperation, TValue>>();
        }
    }

    /// <summary>The value stored for <paramref name="root"/>, or null (also for a root bound outside a semantic model).</summary>
    public TValue? Find(IOperation root)
    {
        if (root.SemanticModel is not { } model)
        {
            return null;
        }

        if (_own is not null)
        {
            return _own.GetValue(model, _ => new ConcurrentDictionary<IOperation, TValue>()).TryGetValue(root, out var own) ? own : null;
        }

        return RootEntries.Find(model, root) is { } entry ? (TValue?)Volatile.Read(ref entry[_slot]) : null;
    }

    /// <summary>Stores <paramref name="value"/> unless a value is there already; returns the one kept.</summary>
    public TValue Keep(IOperation root, TValue value)
    {
        if (root.SemanticModel is not { } model)
        {
            return value;
        }

        if (_own is not null)
        {
            return _own.GetValue(model, _ => new ConcurrentDictionary<IOperation, TValue>()).GetOrAdd(root, value);
        }

        var entry = RootEntries.Get(model, root);
        return (TValue?)Interlocked.CompareExchange(ref entry[_slot], value, null) ?? value;
    }
}

/// <summary>The entries of every <see cref="PerRootCache{TValue}"/>: per semantic model, per root, one slot per cache.</summary>
internal static class RootEntries
{
    /// <summary>Slots per entry: one per cache (two today: the scan of a root and its graph).</summary>
    public const int Slots = 4;

    private static readonly ConditionalWeakTable<SemanticModel, ConcurrentDictionary<IOperation, object?[]>>.CreateValueCallback NewTable
        = _ => new ConcurrentDictionary<IOperation, object?[]>(FlagValues.OperationIdentityComparer.Instance);

    private static readonly System.Func<IOperation, object?[]> NewEntry = _ => new object?[Slots];

    private static readonly ConditionalWeakTable<SemanticModel, ConcurrentDictionary<IOperation, object?[]>> Tables = new();

    private static int s_slots;

    /// <summary>The slot of a new cache (caches are static fields: a few, created once).</summary>
    public static int NewSlot() => Interlocked.Increment(ref s_slots) - 1;

    public static object?[]? Find(SemanticModel model, IOperation root)
        => Tables.GetValue(model, NewTable).TryGetValue(root, out var entry) ? entry : null;

    /// <summary>The entry of <paramref name="root"/>, added if needed (GetOrAdd looks up without a lock first).</summary>
    public static object?[] Get(SemanticModel model, IOperation root)
        => Tables.GetValue(model, NewTable).GetOrAdd(root, NewEntry);
}
