using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>The atomic context an operation may run in, and how to name it in a message.</summary>
internal sealed class AtomicContext
{
    internal AtomicContext(AtomicContextKind kind, Location? enteredAt, string methodName, int lambdaLine = 0, string? primitive = null, string? lockName = null,
        string? attribute = null, string? takenBy = null)
    {
        TakenBy = takenBy;
        Kind = kind;
        EnteredAt = enteredAt;
        MethodName = methodName;
        LambdaLine = lambdaLine;
        Primitive = primitive;
        LockName = lockName;
        Attribute = attribute;
    }

    /// <summary>For a lambda: the 1-based line it starts on (a lambda has no name to give); otherwise 0.</summary>
    public int LambdaLine { get; }

    public AtomicContextKind Kind { get; }

    /// <summary>For a section entered by a call the compiler adds: that call ("the foreach's call to 'Pool.GetEnumerator()'"), see <see cref="LockSite.TakenBy"/>.</summary>
    public string? TakenBy { get; }

    /// <summary>For a section: the lock call that entered it.</summary>
    public Location? EnteredAt { get; }

    /// <summary>The method (or lambda / local function) whose body is being analysed.</summary>
    public string MethodName { get; }

    /// <summary>For <see cref="AtomicContextKind.LockSection"/>: the Linux primitive ("spin_lock_irqsave").</summary>
    public string? Primitive { get; }

    /// <summary>For <see cref="AtomicContextKind.LockSection"/>: the lock ("_lock").</summary>
    public string? LockName { get; }

    /// <summary>
    /// For a method that runs in atomic context by annotation: the attribute as written ("[IrqsDisabled]"); for a lambda
    /// passed to an <c>[InvokedInAtomicContext]</c> parameter: the method that invokes it ("Interrupts.RunHardirq").
    /// </summary>
    public string? Attribute { get; }

    /// <summary>The context comes from the caller (an attribute on the method), not from a lock taken here.</summary>
    public bool IsCallerHeld => Kind is AtomicContextKind.RcuReadLockHeldMethod or AtomicContextKind.LockHeldMethod or AtomicContextKind.IrqsDisabledMethod;

    /// <summary>The whole body is atomic, whatever locks it takes (<c>[AllocationHook]</c>, <c>[RunsInAtomicContext]</c>).</summary>
    public bool IsWholeBody => Kind is AtomicContextKind.AllocationHook or AtomicContextKind.RunsInAtomicContextMethod
        or AtomicContextKind.InvokedInAtomicContextLambda;

    /// <summary>The 1-based line of <see cref="EnteredAt"/>, or 0 when unknown.</summary>
    public int EnteredAtLine => EnteredAt is null ? 0 : EnteredAt.GetLineSpan().StartLinePosition.Line + 1;

    /// <summary>
    /// A phrase that completes "... may sleep ___": "inside the RCU read-side section entered at line 12",
    /// "inside the spin_lock_irqsave section of '_lock' entered at line 12", "with interrupts disabled since line 30",
    /// "in method 'Record' marked [RcuReadLockHeld]", "in allocation hook 'Record'"; a section a foreach entered names the
    /// call: "inside the spin_lock section of 'pool._lock' entered at line 12 by the foreach's call to 'Pool.GetEnumerator()'".
    /// </summary>
    public string Describe() => Kind switch
    {
        AtomicContextKind.AllocationHook when LambdaLine > 0 => $"in the allocation hook lambda at line {LambdaLine}",
        AtomicContextKind.AllocationHook => $"in allocation hook '{MethodName}'",
        AtomicContextKind.RcuReadLockHeldMethod or AtomicContextKind.LockHeldMethod or AtomicContextKind.IrqsDisabledMethod
            or AtomicContextKind.RunsInAtomicContextMethod when LambdaLine > 0 => $"in the lambda at line {LambdaLine} marked {AttributeText}",
        AtomicContextKind.RcuReadLockHeldMethod or AtomicContextKind.LockHeldMethod or AtomicContextKind.IrqsDisabledMethod
            or AtomicContextKind.RunsInAtomicContextMethod => $"in method '{MethodName}' marked {AttributeText}",
        AtomicContextKind.InvokedInAtomicContextLambda => $"in the lambda at line {LambdaLine}, which '{Attribute}' invokes in atomic context",
        AtomicContextKind.LockSection => $"inside the {Primitive} section of '{LockName}'{Since(" entered at line ")}",
        AtomicContextKind.IrqsDisabled => "with interrupts disabled" + Since(" since line "),
        AtomicContextKind.PreemptDisabled => "with preemption disabled" + Since(" since line "),
        AtomicContextKind.BhDisabled => "with bottom halves disabled" + Since(" since line "),
        AtomicContextKind.RunqueueLock => "with the runqueue lock held" + Since(" since line "),
        _ => EnteredAt is null
            ? "inside an RCU read-side section"
            : "inside the RCU read-side section" + Since(" entered at line "),
    };

    private string AttributeText => Attribute ?? (Kind == AtomicContextKind.RcuReadLockHeldMethod ? "[RcuReadLockHeld]" : "[RunsInAtomicContext]");

    private string Since(string words) => EnteredAt is null ? string.Empty : words + EnteredAtLine + (TakenBy is null ? string.Empty : " by " + TakenBy);

    /// <summary>The context of code after the lock call of <paramref name="site"/> (not a caller's lock).</summary>
    internal static AtomicContext ForSite(LockSite site, string methodName)
    {
        var kind = site.Family switch
        {
            LockFamily.Rcu => AtomicContextKind.RcuReadSection,
            LockFamily.LocalIrq => AtomicContextKind.IrqsDisabled,
            LockFamily.Preempt => AtomicContextKind.PreemptDisabled,
            LockFamily.LocalBh => AtomicContextKind.BhDisabled,
            LockFamily.Runqueue => AtomicContextKind.RunqueueLock,
            _ => AtomicContextKind.LockSection,
        };
        return new AtomicContext(kind, site.Location, methodName, 0, site.Operation?.LinuxName, site.Name, takenBy: site.TakenBy);
    }

    public override string ToString() => Describe();
}
