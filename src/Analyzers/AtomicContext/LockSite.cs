using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// One place a lock is taken: a lock call in the method, or a lock the caller holds on entry (from
/// <c>[RcuReadLockHeld]</c>, <c>[LockHeld("name")]</c>, <c>[IrqsDisabled]</c>). Path states refer to sites by id.
/// </summary>
internal sealed class LockSite
{
    public LockSite(int id, LockOperation? operation, LockFamily family, string? identity, string name, Location? location, ITypeSymbol? guardType, string? callerAttribute)
    {
        Id = id;
        Operation = operation;
        Family = family;
        Identity = identity;
        Name = name;
        Location = location;
        GuardType = guardType;
        CallerAttribute = callerAttribute;
    }

    /// <summary>Index in <see cref="GraphScan.Sites"/>; 0 is reserved for "a site the degraded pass forgot".</summary>
    public int Id { get; }

    /// <summary>The acquire call's primitive, or null for a caller's lock.</summary>
    public LockOperation? Operation { get; }

    public LockFamily Family { get; }

    /// <summary>Which lock (see <see cref="LockRelease.Identity"/>).</summary>
    public string? Identity { get; }

    /// <summary>How a message names the lock ("_lock").</summary>
    public string Name { get; }

    /// <summary>The lock call; null for a caller's lock.</summary>
    public Location? Location { get; }

    /// <summary>The guard type the acquire returns (its Dispose releases the lock), or null.</summary>
    public ITypeSymbol? GuardType { get; }

    /// <summary>For a caller's lock: the attribute that says so, as written in messages ("[LockHeld(\"_lock\")]").</summary>
    public string? CallerAttribute { get; }

    public bool IsCaller => CallerAttribute is not null;

    /// <summary>For an irqsave acquire: the local its saved flags are stored in, if any.</summary>
    public ISymbol? FlagsLocal { get; set; }

    /// <summary>How code names the lock's receiver: "_lock", "LocalIrq", "Scheduler" (for a suggested release call).</summary>
    public string ReceiverText { get; set; } = string.Empty;

    /// <summary>
    /// For a lock taken by a call the compiler adds (a foreach's <c>GetEnumerator()</c>): that call, as messages name it
    /// ("the foreach's call to 'Pool.GetEnumerator()'"), since the line alone shows no lock call. Null otherwise.
    /// </summary>
    public string? TakenBy { get; set; }

    /// <summary>Taken by a call to an acquire helper that does not say so: a leak of it is reported in that helper, not here.</summary>
    public bool ReportedInHelper { get; set; }

    /// <summary>The guard leaves the method (returned, stored, passed on): whoever holds it releases the lock.</summary>
    public bool Escaped { get; set; }

    public int Line => Location is null ? 0 : Location.GetLineSpan().StartLinePosition.Line + 1;

    /// <summary>A scheduler lock: waking kswapd here can deadlock on it.</summary>
    /// <summary>The lock as a noun: "'_lock'", "the RCU read lock", "preemption", "interrupts", "bottom halves", "the runqueue lock".</summary>
    public string Noun => NounOf(Family, Name);

    /// <summary>"is still held" / "is still disabled" / "are still disabled", for the lock as <see cref="Noun"/>.</summary>
    public string StillHeld => Family switch
    {
        LockFamily.Preempt => "is still disabled",
        LockFamily.LocalIrq or LockFamily.LocalBh => "are still disabled",
        _ => "is still held",
    };

    public static string NounOf(LockFamily family, string name) => family switch
    {
        LockFamily.Rcu => "the RCU read lock",
        LockFamily.Preempt => "preemption",
        LockFamily.LocalIrq => "interrupts",
        LockFamily.LocalBh => "bottom halves",
        LockFamily.Runqueue => "the runqueue lock",
        _ => $"'{name}'",
    };

    /// <summary>"is not held" / "is not disabled" / "are not disabled", for the lock as <see cref="NounOf"/>.</summary>
    public static string NotHeldOf(LockFamily family) => family switch
    {
        LockFamily.Preempt => "is not disabled",
        LockFamily.LocalIrq or LockFamily.LocalBh => "are not disabled",
        _ => "is not held",
    };

    /// <summary>The release call that pairs with this site: "_lock.UnlockIrqRestore(flags)", "Preempt.Enable()".</summary>
    public string ExpectedRelease
        => Operation is null ? string.Empty
            : $"{ReceiverText}.{Operation.ReleaseName}({(Operation.Variant == LockVariant.IrqSave ? FlagsLocal?.Name ?? "flags" : string.Empty)})";

    public bool IsSchedulerLock => Family == LockFamily.Runqueue || (Family == LockFamily.Named && Identity == "runqueue");
}
