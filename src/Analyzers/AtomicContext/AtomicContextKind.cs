namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>Why a piece of code runs in atomic context (must not sleep).</summary>
internal enum AtomicContextKind
{
    /// <summary>Between <c>Rcu.ReadLock()</c> and its release in the same method.</summary>
    RcuReadSection,

    /// <summary>In a method marked <c>[RcuReadLockHeld]</c>: the caller's read lock is held.</summary>
    RcuReadLockHeldMethod,

    /// <summary>In a method marked <c>[AllocationHook]</c>: reached from inside the page allocator.</summary>
    AllocationHook,
}
