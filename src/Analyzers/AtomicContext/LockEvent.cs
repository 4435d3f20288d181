using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.AtomicContext;

internal enum LockEventKind
{
    /// <summary>A lock is taken (<c>Rcu.ReadLock()</c>, <c>_lock.LockIrqSave()</c>, <c>Preempt.Disable()</c>, …): its site is pushed.</summary>
    Acquire,

    /// <summary>
    /// A <c>TryLock()</c> whose result is not a branch condition: the paths split into "taken" (site pushed; a tracked
    /// bool it is stored in is true) and "not taken" (the bool is false).
    /// </summary>
    TryAcquire,

    /// <summary>A <c>TryLock()</c> that is a branch condition: the lock flow pushes its site on the success edge only.</summary>
    TryAcquireOnBranch,

    /// <summary>An explicit release (<c>Unlock()</c>, <c>UnlockIrqRestore(flags)</c>, <c>Enable()</c>, …).</summary>
    Release,

    /// <summary>A guard's <c>Dispose()</c>, explicit or the one a <c>using</c> runs in its finally block.</summary>
    GuardDispose,

    /// <summary>An assignment to a tracked <c>bool</c> local or parameter, or to a status local a tracked <see cref="StatusTest"/> reads.</summary>
    ConditionWrite,
}

/// <summary>Something inside one CFG operation that changes a <see cref="PathState"/>.</summary>
internal readonly struct LockEvent
{
    public LockEvent(LockEventKind kind, IOperation operation, int site, ISymbol? symbol, bool? value, LockRelease? release = null, decimal? number = null)
    {
        Number = number;
        Kind = kind;
        Operation = operation;
        Site = site;
        Symbol = symbol;
        Value = value;
        Release = release;
    }

    public LockEventKind Kind { get; }

    /// <summary>The invocation or assignment.</summary>
    public IOperation Operation { get; }

    /// <summary>For acquires: the lock site id (<see cref="GraphScan.Sites"/>).</summary>
    public int Site { get; }

    /// <summary>For <see cref="LockEventKind.ConditionWrite"/> and <see cref="LockEventKind.TryAcquire"/>: the bool local or parameter written.</summary>
    public ISymbol? Symbol { get; }

    /// <summary>For <see cref="LockEventKind.ConditionWrite"/>: the constant written, or null when not constant.</summary>
    public bool? Value { get; }

    /// <summary>For <see cref="LockEventKind.ConditionWrite"/> to a status local (<see cref="StatusTest"/>): the constant written, or null.</summary>
    public decimal? Number { get; }

    /// <summary>For releases and guard disposes: which held sites it may release.</summary>
    public LockRelease? Release { get; }
}

/// <summary>What a release or guard dispose matches: the innermost held site of the same lock, not blindly the top.</summary>
internal sealed class LockRelease
{
    public LockRelease(LockOperation? operation, string? identity, string name, int guardSite, ITypeSymbol? guardType, ISymbol? flags)
    {
        Operation = operation;
        Identity = identity;
        Name = name;
        GuardSite = guardSite;
        GuardType = guardType;
        Flags = flags;
    }

    /// <summary>The explicit release primitive, or null for a guard's Dispose.</summary>
    public LockOperation? Operation { get; }

    /// <summary>Which lock: the receiver's path ("_lock", "dev.Lock"), the family's domain ("rcu", "irq"), or null when unknown.</summary>
    public string? Identity { get; }

    /// <summary>How a message names the lock ("_lock").</summary>
    public string Name { get; }

    /// <summary>For a guard held in a local assigned from one lock call: that call's site (0 when unknown).</summary>
    public int GuardSite { get; }

    /// <summary>For a guard's Dispose: the guard type.</summary>
    public ITypeSymbol? GuardType { get; }

    /// <summary>For a restore: the local or parameter holding the flags handed back.</summary>
    public ISymbol? Flags { get; }

    public bool IsGuardDispose => Operation is null;

    /// <summary>Whether this release may release <paramref name="site"/>.</summary>
    public bool Matches(LockSite site)
    {
        if (IsGuardDispose)
        {
            return GuardSite != 0 ? site.Id == GuardSite : SymbolEqualityComparer.Default.Equals(site.GuardType, GuardType);
        }

        var family = Operation!.Family;
        if (site.Family != family && site.Family != LockFamily.Named)
        {
            return false;
        }

        return Identity is null || site.Identity is null || Identity == site.Identity;
    }
}
