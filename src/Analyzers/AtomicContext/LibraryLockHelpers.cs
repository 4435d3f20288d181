using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// Lock helpers of other assemblies (a core library the project references): their bodies are not available, but their
/// <c>[AcquiresLock]</c> / <c>[ReleasesLock]</c> / <c>[AcquiresRcuReadLock]</c> annotations are, and they are the contract.
/// A named lock counts only when its kind shows in metadata: "rcu", "runqueue", or a parameter, field or property (and
/// members of it, "pool.Lock") whose type is a runtime lock that makes atomic context (a spin, raw spin or rw lock, an
/// Rcu). A private lock, a sleeping lock or a type that does not say: nothing (a false positive is worse than a miss);
/// nor an acquire helper whose type annotates no release of that kind of lock (its release may be a method without one).
/// </summary>
internal static class LibraryLockHelpers
{
    // Which spin_lock variant (or rwlock side) the library takes does not show: one operation per family and role, named
    // for the family, that pairs with any release of it.
    private static readonly Dictionary<(LockFamily, LockRole), LockOperation> Operations = BuildOperations();

    private static readonly ConditionalWeakTable<IAssemblySymbol, StrongBox<bool>> Referencing = new();

    /// <summary>
    /// Whether <paramref name="assembly"/> references a library that references the runtime (only such a library can
    /// declare lock helpers: the attributes are the runtime's). Decided once per assembly; without one, calls to other
    /// assemblies are never asked about their attributes.
    /// </summary>
    public static bool MayBeReferencedBy(IAssemblySymbol assembly, RuntimeSymbols symbols)
        => Referencing.GetValue(assembly, a => new StrongBox<bool>(ReferencesALibraryOf(a, symbols.Gfp.ContainingAssembly))).Value;

    private static bool ReferencesALibraryOf(IAssemblySymbol assembly, IAssemblySymbol runtime)
    {
        foreach (var module in assembly.Modules)
        {
            foreach (var library in module.ReferencedAssemblySymbols)
            {
                if (!SymbolEqualityComparer.Default.Equals(library, runtime) && References(library, runtime))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool References(IAssemblySymbol library, IAssemblySymbol runtime)
    {
        foreach (var module in library.Modules)
        {
            foreach (var referenced in module.ReferencedAssemblySymbols)
            {
                if (SymbolEqualityComparer.Default.Equals(referenced, runtime))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the method carries one of the lock-helper attributes: one pass over attributes the symbol has already
    /// loaded (every rule reads them), no hashing — the cost every call to another assembly pays.
    /// </summary>
    public static bool IsAnnotated(IMethodSymbol method, RuntimeSymbols symbols)
    {
        if (symbols.AcquiresLockAttribute is null && symbols.ReleasesLockAttribute is null && symbols.AcquiresRcuReadLockAttribute is null)
        {
            return false;
        }

        foreach (var data in method.GetAttributes())
        {
            var attribute = data.AttributeClass;
            if (SymbolEqualityComparer.Default.Equals(attribute, symbols.AcquiresLockAttribute)
                || SymbolEqualityComparer.Default.Equals(attribute, symbols.ReleasesLockAttribute)
                || SymbolEqualityComparer.Default.Equals(attribute, symbols.AcquiresRcuReadLockAttribute))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What a call to the (annotated) library method does to its caller's locks, in the method's own terms.</summary>
    public static ImmutableArray<LockHelperEffect> EffectsOf(IMethodSymbol method, RuntimeSymbols symbols)
    {
        if (method.IsAbstract || method.IsExtern || method.MethodKind != MethodKind.Ordinary)
        {
            return ImmutableArray<LockHelperEffect>.Empty;
        }

        // Releases first, as for helpers with a body (a helper that swaps locks drops one, then takes the other).
        var effects = new List<LockHelperEffect>();
        Add(effects, LockRole.Release, CallerLocks.Identities(method, symbols.ReleasesLockAttribute, symbols), method, symbols);
        Add(effects, LockRole.Acquire, CallerLocks.Identities(method, symbols.AcquiresLockAttribute, symbols), method, symbols);
        if (AtomicContextAnalysis.HasAttribute(method, symbols.AcquiresRcuReadLockAttribute, symbols))
        {
            Add(effects, LockRole.Acquire, new List<string> { "rcu" }, method, symbols);
        }

        return effects.ToImmutableArray();
    }

    private static void Add(List<LockHelperEffect> effects, LockRole role, List<string> names, IMethodSymbol method, RuntimeSymbols symbols)
    {
        foreach (var name in names)
        {
            if (FamilyOf(name, method, symbols) is not { } family)
            {
                continue;
            }

            if (role == LockRole.Acquire && !ReleasesFamily(method.ContainingType, family, symbols))
            {
                // No annotated release of this kind of lock in the helper's type: its callers may well release it
                // through a method whose annotation is missing, which would leave a section open past the release
                // here (allocations after it reported, a leak at the exit). Trusted only when the type says both halves.
                continue;
            }

            var identity = LockOperation.Domain(family) ?? name;
            var operation = Operations[(family, role)];
            if (!effects.Exists(effect => effect.Role == role && effect.Operation.Family == family && effect.Identity == identity))
            {
                effects.Add(new LockHelperEffect(role, operation, identity, identity, annotated: true));
            }
        }
    }

    /// <summary>Whether <paramref name="type"/> declares a <c>[ReleasesLock]</c> method for a lock of <paramref name="family"/>.</summary>
    private static bool ReleasesFamily(INamedTypeSymbol? type, LockFamily family, RuntimeSymbols symbols)
    {
        if (type is null)
        {
            return false;
        }

        foreach (var member in type.GetMembers())
        {
            if (member is not IMethodSymbol release)
            {
                continue;
            }

            foreach (var name in CallerLocks.Identities(release, symbols.ReleasesLockAttribute, symbols))
            {
                if (FamilyOf(name, release, symbols) == family)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The lock's kind: "rcu" and "runqueue" (as for <c>[LockHeld]</c>), or the runtime lock type of the path it names.</summary>
    private static LockFamily? FamilyOf(string identity, IMethodSymbol method, RuntimeSymbols symbols)
    {
        switch (identity)
        {
            case "rcu":
                return LockFamily.Rcu;
            case "runqueue":
                return LockFamily.Runqueue;
        }

        var parts = identity.Split('.');
        var type = ParameterType(method, parts[0]) ?? MemberType(method.ContainingType, parts[0], method.IsStatic);
        for (var i = 1; i < parts.Length && type is not null; i++)
        {
            type = MemberType(type, parts[i], staticOnly: false);
        }

        // Objects of these four types are locks; the others (Preempt, LocalIrq, ...) are static classes.
        return type is not null && symbols.Locks.FamilyOf(type) is { } family
            && family is LockFamily.SpinLock or LockFamily.RawSpinLock or LockFamily.RwLock or LockFamily.Rcu ? family : null;
    }

    private static ITypeSymbol? ParameterType(IMethodSymbol method, string name)
    {
        foreach (var parameter in method.Parameters)
        {
            if (parameter.Name == name)
            {
                return parameter.Type;
            }
        }

        return null;
    }

    /// <summary>The type of the field or property <paramref name="name"/> of the type or a base type (what metadata shows of it).</summary>
    private static ITypeSymbol? MemberType(ITypeSymbol? type, string name, bool staticOnly)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers(name))
            {
                if (staticOnly && !member.IsStatic)
                {
                    continue;
                }

                switch (member)
                {
                    case IFieldSymbol field:
                        return field.Type;
                    case IPropertySymbol { Parameters.IsEmpty: true } property:
                        return property.Type;
                }
            }
        }

        return null;
    }

    private static Dictionary<(LockFamily, LockRole), LockOperation> BuildOperations()
    {
        var operations = new Dictionary<(LockFamily, LockRole), LockOperation>
        {
            [(LockFamily.Rcu, LockRole.Acquire)] = LockTypes.Operation(LockFamily.Rcu, "ReadLock")!,
            [(LockFamily.Rcu, LockRole.Release)] = LockTypes.Operation(LockFamily.Rcu, "ReadUnlock")!,
            [(LockFamily.Runqueue, LockRole.Acquire)] = LockTypes.Operation(LockFamily.Runqueue, "LockRunqueue")!,
            [(LockFamily.Runqueue, LockRole.Release)] = LockTypes.Operation(LockFamily.Runqueue, "UnlockRunqueue")!,
        };
        foreach (var (family, linux) in new[] { (LockFamily.SpinLock, "spin_lock"), (LockFamily.RawSpinLock, "raw_spin_lock"), (LockFamily.RwLock, "rwlock") })
        {
            operations[(family, LockRole.Acquire)] = LockOperation.OfUnknownVariant(LockRole.Acquire, family, linux);
            operations[(family, LockRole.Release)] = LockOperation.OfUnknownVariant(LockRole.Release, family, linux);
        }

        return operations;
    }
}
