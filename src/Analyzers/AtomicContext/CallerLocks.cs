using System.Collections.Generic;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// The locks a method's caller holds on entry, from its attributes (Linux's <c>__must_hold</c> /
/// <c>lockdep_assert_held</c>): <c>[RcuReadLockHeld]</c>, each <c>[LockHeld("name")]</c> in source order, then
/// <c>[IrqsDisabled]</c>. The method may drop and retake them; they are released by the matching unlock.
/// </summary>
internal static class CallerLocks
{
    public const string RcuReadLockHeld = "[RcuReadLockHeld]";
    public const string IrqsDisabled = "[IrqsDisabled]";

    public static IReadOnlyList<CallerLock> Of(ISymbol owner, RuntimeSymbols symbols)
    {
        // Most methods hold none: no list for them.
        List<CallerLock>? locks = null;
        if (AtomicContextAnalysis.HasAttribute(owner, symbols.RcuReadLockHeldAttribute, symbols))
        {
            (locks ??= new List<CallerLock>()).Add(new CallerLock(LockFamily.Rcu, "rcu", "rcu", RcuReadLockHeld));
        }

        foreach (var name in Names(owner, symbols.LockHeldAttribute, symbols))
        {
            var identity = Identity(name);
            var family = identity switch
            {
                "rcu" => LockFamily.Rcu,
                "runqueue" => LockFamily.Runqueue,
                _ => LockFamily.Named,
            };
            (locks ??= new List<CallerLock>()).Add(new CallerLock(family, identity, identity, $"[LockHeld(\"{name}\")]"));
        }

        if (AtomicContextAnalysis.HasAttribute(owner, symbols.IrqsDisabledAttribute, symbols))
        {
            (locks ??= new List<CallerLock>()).Add(new CallerLock(LockFamily.LocalIrq, "irq", "irq", IrqsDisabled));
        }

        return (IReadOnlyList<CallerLock>?)locks ?? System.Array.Empty<CallerLock>();
    }

    /// <summary>The lock names of an attribute with a name argument, on the method or its property.</summary>
    public static List<string> Names(ISymbol owner, INamedTypeSymbol? attribute, RuntimeSymbols symbols)
    {
        var names = symbols.AttributeNames(owner, attribute);
        if (owner is IMethodSymbol { AssociatedSymbol: { } associated })
        {
            names.AddRange(symbols.AttributeNames(associated, attribute));
        }

        return names;
    }

    /// <summary>The <see cref="Identity"/> of each lock name of an attribute (<see cref="Names"/>), in the same order.</summary>
    public static List<string> Identities(ISymbol owner, INamedTypeSymbol? attribute, RuntimeSymbols symbols)
    {
        var names = Names(owner, attribute, symbols);
        for (var i = 0; i < names.Count; i++)
        {
            names[i] = Identity(names[i]);
        }

        return names;
    }

    /// <summary>"this._lock" and "_lock" name the same lock as a receiver path (<see cref="GraphScan.PathOf"/>).</summary>
    public static string Identity(string name)
    {
        var trimmed = name.Trim();
        return trimmed.StartsWith("this.", System.StringComparison.Ordinal) ? trimmed.Substring(5) : trimmed;
    }
}
