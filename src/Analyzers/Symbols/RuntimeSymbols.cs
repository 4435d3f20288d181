using GfpAnalyzers.Analyzers.AtomicContext;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Symbols;

/// <summary>
/// The runtime's types and members, resolved once per compilation. When the compilation does not
/// reference GfpAnalyzers.Runtime, <see cref="TryCreate"/> fails and analyzers register nothing.
/// </summary>
internal sealed class RuntimeSymbols
{
    public const string RuntimeNamespace = "GfpAnalyzers.Runtime";

    private RuntimeSymbols(Compilation compilation, INamedTypeSymbol gfp, INamedTypeSymbol pageAllocator, INamedTypeSymbol rcu)
    {
        Gfp = gfp;
        PageAllocator = pageAllocator;
        Rcu = rcu;
        Bits = GfpBits.FromEnum(gfp);
        Page = compilation.GetTypeByMetadataName(RuntimeNamespace + ".Page");
        RcuReadGuard = compilation.GetTypeByMetadataName(RuntimeNamespace + ".RcuReadGuard");
        RcuPointer = compilation.GetTypeByMetadataName(RuntimeNamespace + ".RcuPointer`1");
        RcuReadLockHeldAttribute = compilation.GetTypeByMetadataName(RuntimeNamespace + ".RcuReadLockHeldAttribute");
        MightSleepAttribute = compilation.GetTypeByMetadataName(RuntimeNamespace + ".MightSleepAttribute");
        AllocationHookAttribute = compilation.GetTypeByMetadataName(RuntimeNamespace + ".AllocationHookAttribute");
        EarlyAllocHook = compilation.GetTypeByMetadataName(RuntimeNamespace + ".EarlyAllocHook");
        AcquiresRcuReadLockAttribute = compilation.GetTypeByMetadataName(RuntimeNamespace + ".AcquiresRcuReadLockAttribute");
        LockHeldAttribute = compilation.GetTypeByMetadataName(RuntimeNamespace + ".LockHeldAttribute");
        IrqsDisabledAttribute = compilation.GetTypeByMetadataName(RuntimeNamespace + ".IrqsDisabledAttribute");
        RunsInAtomicContextAttribute = compilation.GetTypeByMetadataName(RuntimeNamespace + ".RunsInAtomicContextAttribute");
        AcquiresLockAttribute = compilation.GetTypeByMetadataName(RuntimeNamespace + ".AcquiresLockAttribute");
        ReleasesLockAttribute = compilation.GetTypeByMetadataName(RuntimeNamespace + ".ReleasesLockAttribute");
        InvokedInAtomicContextAttribute = compilation.GetTypeByMetadataName(RuntimeNamespace + ".InvokedInAtomicContextAttribute");
        KMutex = compilation.GetTypeByMetadataName(RuntimeNamespace + ".KMutex");
        KSemaphore = compilation.GetTypeByMetadataName(RuntimeNamespace + ".KSemaphore");
        Locks = LockTypes.Resolve(compilation, rcu);
    }

    /// <summary>The types whose calls take or release atomic-context locks (<see cref="LockTypes"/>).</summary>
    public LockTypes Locks { get; }

    /// <summary><c>[LockHeld("name")]</c> (<c>__must_hold</c>): the caller holds that lock on entry.</summary>
    public INamedTypeSymbol? LockHeldAttribute { get; }

    /// <summary><c>[IrqsDisabled]</c>: the method runs with interrupts disabled.</summary>
    public INamedTypeSymbol? IrqsDisabledAttribute { get; }

    /// <summary><c>[RunsInAtomicContext]</c>: interrupt handler, timer, softirq: atomic everywhere.</summary>
    public INamedTypeSymbol? RunsInAtomicContextAttribute { get; }

    /// <summary><c>[AcquiresLock("name")]</c> (<c>__acquires</c>): returns holding the lock.</summary>
    public INamedTypeSymbol? AcquiresLockAttribute { get; }

    /// <summary><c>[ReleasesLock("name")]</c> (<c>__releases</c>): returns having released the caller's lock.</summary>
    public INamedTypeSymbol? ReleasesLockAttribute { get; }

    /// <summary><c>[InvokedInAtomicContext]</c> on a delegate parameter: the callee invokes it in atomic context.</summary>
    public INamedTypeSymbol? InvokedInAtomicContextAttribute { get; }

    /// <summary>The sleeping mutex (struct mutex).</summary>
    public INamedTypeSymbol? KMutex { get; }

    /// <summary>The sleeping semaphore (struct semaphore).</summary>
    public INamedTypeSymbol? KSemaphore { get; }

    public INamedTypeSymbol Gfp { get; }
    public GfpBits Bits { get; }
    public INamedTypeSymbol PageAllocator { get; }
    public INamedTypeSymbol Rcu { get; }
    public INamedTypeSymbol? Page { get; }
    public INamedTypeSymbol? RcuReadGuard { get; }
    public INamedTypeSymbol? RcuPointer { get; }
    public INamedTypeSymbol? RcuReadLockHeldAttribute { get; }
    public INamedTypeSymbol? MightSleepAttribute { get; }
    public INamedTypeSymbol? AllocationHookAttribute { get; }

    /// <summary><c>__acquires(RCU)</c>: the method returns holding the read lock it took.</summary>
    public INamedTypeSymbol? AcquiresRcuReadLockAttribute { get; }

    /// <summary>The delegate type of <c>PageAllocator.SetEarlyAllocHook</c>: what converts to it runs inside the allocator.</summary>
    public INamedTypeSymbol? EarlyAllocHook { get; }

    /// <summary>Every analyzer asks at compilation start: resolve once per compilation (null: runtime not referenced).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, StrongBox> Resolved = new();

    public static bool TryCreate(Compilation compilation, out RuntimeSymbols symbols)
    {
        var resolved = Resolved.GetValue(compilation, c => new StrongBox(Resolve(c)));
        symbols = resolved.Value!;
        return resolved.Value is not null;
    }

    private static RuntimeSymbols? Resolve(Compilation compilation)
    {
        var gfp = compilation.GetTypeByMetadataName(RuntimeNamespace + ".Gfp");
        var allocator = compilation.GetTypeByMetadataName(RuntimeNamespace + ".PageAllocator");
        var rcu = compilation.GetTypeByMetadataName(RuntimeNamespace + ".Rcu");
        return gfp is null || allocator is null || rcu is null ? null : new RuntimeSymbols(compilation, gfp, allocator, rcu);
    }

    private sealed class StrongBox
    {
        public StrongBox(RuntimeSymbols? value) => Value = value;

        public RuntimeSymbols? Value { get; }
    }

    public bool IsGfp(ITypeSymbol? type)
        => type is not null && (ReferenceEquals(type, Gfp) || (type.TypeKind == Gfp.TypeKind && SymbolEqualityComparer.Default.Equals(type, Gfp))); // a type of another kind (int, bool, classes) needs no comparison

    /// <summary>
    /// A page allocation of the page allocator: <c>AllocPage</c>, <c>AllocPages</c> or <c>AllocPagesNode</c>
    /// (alloc_pages_node); its flags are the argument of type <c>Gfp</c> (<see cref="FlagsArgument"/>).
    /// </summary>
    public bool IsAllocation(IMethodSymbol? method)
        => IsMemberOf(method, PageAllocator) && method!.Name is "AllocPage" or "AllocPages" or "AllocPagesNode";

    /// <summary><c>FreePage</c> or <c>FreePages</c> of the page allocator.</summary>
    public bool IsFree(IMethodSymbol? method)
        => IsMemberOf(method, PageAllocator) && method!.Name is "FreePage" or "FreePages";

    /// <summary>
    /// <c>ClearPageTagRef</c>, or <c>ClearPageTagRefIfNotSet</c>, which clears exactly the references never set,
    /// that is those of NoCodetag pages.
    /// </summary>
    public bool IsClearPageTagRef(IMethodSymbol? method)
        => IsMemberOf(method, PageAllocator) && method!.Name is "ClearPageTagRef" or "ClearPageTagRefIfNotSet";

    public bool IsReadLock(IMethodSymbol? method) => IsMemberOf(method, Rcu) && method!.Name == "ReadLock";

    public bool IsReadUnlock(IMethodSymbol? method) => IsMemberOf(method, Rcu) && method!.Name == "ReadUnlock";

    public bool IsSynchronize(IMethodSymbol? method) => IsMemberOf(method, Rcu) && method!.Name == "Synchronize";

    /// <summary><c>RcuReadGuard.Dispose()</c>, which is <c>ReadUnlock()</c>.</summary>
    public bool IsGuardDispose(IMethodSymbol? method)
        => method is not null && RcuReadGuard is not null && IsMemberOf(method, RcuReadGuard) && method.Name == "Dispose";

    /// <summary>A call that takes or releases an atomic-context lock (RCU, spinlocks, preempt/irq/bh, runqueue).</summary>
    public bool IsLockOperation(IMethodSymbol? method) => method is not null && Locks.Classify(method) is not null;

    /// <summary>The string arguments of every <paramref name="attribute"/> on the symbol, in source order.</summary>
    public System.Collections.Generic.List<string> AttributeNames(ISymbol? symbol, INamedTypeSymbol? attribute)
    {
        var names = new System.Collections.Generic.List<string>();
        if (symbol is null || attribute is null)
        {
            return names;
        }

        foreach (var data in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute)
                && data.ConstructorArguments.Length == 1 && data.ConstructorArguments[0].Value is string name)
            {
                names.Add(name);
            }
        }

        return names;
    }

    public bool HasAttribute(ISymbol? symbol, INamedTypeSymbol? attribute)
    {
        if (symbol is null || attribute is null)
        {
            return false;
        }

        foreach (var data in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The argument of an allocation that carries its flags (the parameter of type <c>Gfp</c>), if it binds.</summary>
    public IArgumentOperation? FlagsArgument(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { } parameter && IsGfp(parameter.Type))
            {
                return argument;
            }
        }

        return null;
    }

    private static bool IsMemberOf(IMethodSymbol? method, INamedTypeSymbol type)
        => method is not null && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, type);
}
