using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// The runtime's lock types and guard types, resolved once per compilation, and the table that says what each
/// lock method does. A type missing from the referenced runtime simply classifies nothing.
/// </summary>
internal sealed class LockTypes
{
    private const string Ns = "GfpAnalyzers.Runtime.";

    private static readonly Dictionary<(LockFamily, string), LockOperation> Table = BuildTable();

    private readonly List<(INamedTypeSymbol Type, LockFamily Family)> _types = new();
    private readonly HashSet<INamedTypeSymbol> _guards = new(SymbolEqualityComparer.Default);

    /// <summary>The names of the lock types: a call on a type of any other name is no lock call (no symbol comparison needed).</summary>
    private readonly HashSet<string> _typeNames = new(System.StringComparer.Ordinal);

    private LockTypes()
    {
    }

    public static LockTypes Resolve(Compilation compilation, INamedTypeSymbol rcu)
    {
        var types = new LockTypes();
        types.Add(rcu, LockFamily.Rcu);
        types.Add(compilation, "KSpinLock", LockFamily.SpinLock);
        types.Add(compilation, "KRawSpinLock", LockFamily.RawSpinLock);
        types.Add(compilation, "KRwLock", LockFamily.RwLock);
        types.Add(compilation, "Preempt", LockFamily.Preempt);
        types.Add(compilation, "LocalIrq", LockFamily.LocalIrq);
        types.Add(compilation, "LocalBh", LockFamily.LocalBh);
        types.Add(compilation, "Scheduler", LockFamily.Runqueue);
        foreach (var guard in new[]
                 {
                     "RcuReadGuard", "RunqueueLockGuard", "SpinLockGuard", "SpinLockIrqSaveGuard", "RwLockGuard",
                     "PreemptGuard", "IrqGuard", "IrqSaveGuard", "BhGuard",
                 })
        {
            if (compilation.GetTypeByMetadataName(Ns + guard) is { } type)
            {
                types._guards.Add(type);
            }
        }

        return types;
    }

    /// <summary>What <paramref name="method"/> does to atomic-context locks, or null when it is no lock method.</summary>
    public LockOperation? Classify(IMethodSymbol method)
    {
        var containing = method.ContainingType?.OriginalDefinition;
        if (containing is null || !_typeNames.Contains(containing.Name))
        {
            // Almost every call: no lock type has this name, so no symbol comparison is needed.
            return null;
        }

        foreach (var (type, family) in _types)
        {
            if (SymbolEqualityComparer.Default.Equals(containing, type))
            {
                return Table.TryGetValue((family, method.Name), out var operation) ? operation : null;
            }
        }

        return null;
    }

    /// <summary>The family of a lock object's type (<c>KSpinLock</c>, <c>Rcu</c>, ...), or null for any other type.</summary>
    public LockFamily? FamilyOf(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol named || !_typeNames.Contains(named.Name))
        {
            return null;
        }

        foreach (var (candidate, family) in _types)
        {
            if (SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, candidate))
            {
                return family;
            }
        }

        return null;
    }

    /// <summary>The method names of every lock operation ("Lock", "UnlockIrqRestore", "ReadLock", ...): a cheap syntax pre-check.</summary>
    public static IReadOnlyCollection<string> MethodNames { get; } = new HashSet<string>(System.Linq.Enumerable.Select(Table.Keys, key => key.Item2), System.StringComparer.Ordinal);

    /// <summary>The operation of <paramref name="family"/>'s method <paramref name="methodName"/>, or null.</summary>
    public static LockOperation? Operation(LockFamily family, string methodName) => Table.TryGetValue((family, methodName), out var operation) ? operation : null;

    /// <summary>A guard returned by a lock method: disposing it releases what it took.</summary>
    public bool IsGuard(ITypeSymbol? type) => type is INamedTypeSymbol named && _guards.Contains(named.OriginalDefinition);

    private void Add(INamedTypeSymbol type, LockFamily family)
    {
        _types.Add((type, family));
        _typeNames.Add(type.Name);
    }

    private void Add(Compilation compilation, string name, LockFamily family)
    {
        if (compilation.GetTypeByMetadataName(Ns + name) is { } type)
        {
            Add(type, family);
        }
    }

    private static Dictionary<(LockFamily, string), LockOperation> BuildTable()
    {
        var table = new Dictionary<(LockFamily, string), LockOperation>();

        void Op(LockRole role, LockFamily family, LockSide side, LockVariant variant, string method, string linux, string release)
            => table[(family, method)] = new LockOperation(role, family, side, variant, method, linux, release);

        Op(LockRole.Acquire, LockFamily.Rcu, LockSide.None, LockVariant.Plain, "ReadLock", "rcu_read_lock", "ReadUnlock");
        Op(LockRole.Release, LockFamily.Rcu, LockSide.None, LockVariant.Plain, "ReadUnlock", "rcu_read_unlock", "ReadUnlock");

        foreach (var (family, prefix) in new[] { (LockFamily.SpinLock, "spin"), (LockFamily.RawSpinLock, "raw_spin") })
        {
            Op(LockRole.Acquire, family, LockSide.None, LockVariant.Plain, "Lock", prefix + "_lock", "Unlock");
            Op(LockRole.Acquire, family, LockSide.None, LockVariant.IrqSave, "LockIrqSave", prefix + "_lock_irqsave", "UnlockIrqRestore");
            Op(LockRole.Acquire, family, LockSide.None, LockVariant.IrqSave, "GuardIrqSave", prefix + "_lock_irqsave", "UnlockIrqRestore");
            Op(LockRole.Acquire, family, LockSide.None, LockVariant.Irq, "LockIrq", prefix + "_lock_irq", "UnlockIrq");
            Op(LockRole.Acquire, family, LockSide.None, LockVariant.Bh, "LockBh", prefix + "_lock_bh", "UnlockBh");
            Op(LockRole.TryAcquire, family, LockSide.None, LockVariant.Plain, "TryLock", prefix + "_trylock", "Unlock");
            Op(LockRole.TryAcquire, family, LockSide.None, LockVariant.IrqSave, "TryLockIrqSave", prefix + "_trylock_irqsave", "UnlockIrqRestore");
            Op(LockRole.Release, family, LockSide.None, LockVariant.Plain, "Unlock", prefix + "_unlock", "Unlock");
            Op(LockRole.Release, family, LockSide.None, LockVariant.IrqSave, "UnlockIrqRestore", prefix + "_unlock_irqrestore", "UnlockIrqRestore");
            Op(LockRole.Release, family, LockSide.None, LockVariant.Irq, "UnlockIrq", prefix + "_unlock_irq", "UnlockIrq");
            Op(LockRole.Release, family, LockSide.None, LockVariant.Bh, "UnlockBh", prefix + "_unlock_bh", "UnlockBh");
        }

        foreach (var (side, name, linux) in new[] { (LockSide.Read, "Read", "read"), (LockSide.Write, "Write", "write") })
        {
            var rw = LockFamily.RwLock;
            Op(LockRole.Acquire, rw, side, LockVariant.Plain, name + "Lock", linux + "_lock", name + "Unlock");
            Op(LockRole.Acquire, rw, side, LockVariant.IrqSave, name + "LockIrqSave", linux + "_lock_irqsave", name + "UnlockIrqRestore");
            Op(LockRole.Acquire, rw, side, LockVariant.Irq, name + "LockIrq", linux + "_lock_irq", name + "UnlockIrq");
            Op(LockRole.Acquire, rw, side, LockVariant.Bh, name + "LockBh", linux + "_lock_bh", name + "UnlockBh");
            Op(LockRole.TryAcquire, rw, side, LockVariant.Plain, "Try" + name + "Lock", linux + "_trylock", name + "Unlock");
            Op(LockRole.Release, rw, side, LockVariant.Plain, name + "Unlock", linux + "_unlock", name + "Unlock");
            Op(LockRole.Release, rw, side, LockVariant.IrqSave, name + "UnlockIrqRestore", linux + "_unlock_irqrestore", name + "UnlockIrqRestore");
            Op(LockRole.Release, rw, side, LockVariant.Irq, name + "UnlockIrq", linux + "_unlock_irq", name + "UnlockIrq");
            Op(LockRole.Release, rw, side, LockVariant.Bh, name + "UnlockBh", linux + "_unlock_bh", name + "UnlockBh");
        }

        Op(LockRole.Acquire, LockFamily.Preempt, LockSide.None, LockVariant.Plain, "Disable", "preempt_disable", "Enable");
        Op(LockRole.Acquire, LockFamily.Preempt, LockSide.None, LockVariant.Plain, "Guard", "preempt_disable", "Enable");
        Op(LockRole.Release, LockFamily.Preempt, LockSide.None, LockVariant.Plain, "Enable", "preempt_enable", "Enable");

        Op(LockRole.Acquire, LockFamily.LocalIrq, LockSide.None, LockVariant.Plain, "Disable", "local_irq_disable", "Enable");
        Op(LockRole.Acquire, LockFamily.LocalIrq, LockSide.None, LockVariant.Plain, "Guard", "local_irq_disable", "Enable");
        Op(LockRole.Acquire, LockFamily.LocalIrq, LockSide.None, LockVariant.IrqSave, "Save", "local_irq_save", "Restore");
        Op(LockRole.Acquire, LockFamily.LocalIrq, LockSide.None, LockVariant.IrqSave, "SaveGuard", "local_irq_save", "Restore");
        Op(LockRole.Release, LockFamily.LocalIrq, LockSide.None, LockVariant.Plain, "Enable", "local_irq_enable", "Enable");
        Op(LockRole.Release, LockFamily.LocalIrq, LockSide.None, LockVariant.IrqSave, "Restore", "local_irq_restore", "Restore");

        Op(LockRole.Acquire, LockFamily.LocalBh, LockSide.None, LockVariant.Plain, "Disable", "local_bh_disable", "Enable");
        Op(LockRole.Acquire, LockFamily.LocalBh, LockSide.None, LockVariant.Plain, "Guard", "local_bh_disable", "Enable");
        Op(LockRole.Release, LockFamily.LocalBh, LockSide.None, LockVariant.Plain, "Enable", "local_bh_enable", "Enable");

        Op(LockRole.Acquire, LockFamily.Runqueue, LockSide.None, LockVariant.Plain, "LockRunqueue", "rq_lock", "UnlockRunqueue");
        Op(LockRole.Release, LockFamily.Runqueue, LockSide.None, LockVariant.Plain, "UnlockRunqueue", "rq_unlock", "UnlockRunqueue");
        return table;
    }
}
