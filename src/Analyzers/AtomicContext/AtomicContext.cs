using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>The atomic context an operation may run in, and how to name it in a message.</summary>
internal sealed class AtomicContext
{
    internal AtomicContext(AtomicContextKind kind, Location? enteredAt, string methodName, int lambdaLine = 0)
    {
        Kind = kind;
        EnteredAt = enteredAt;
        MethodName = methodName;
        LambdaLine = lambdaLine;
    }

    /// <summary>For a lambda: the 1-based line it starts on (a lambda has no name to give); otherwise 0.</summary>
    public int LambdaLine { get; }

    public AtomicContextKind Kind { get; }

    /// <summary>For <see cref="AtomicContextKind.RcuReadSection"/>: the <c>ReadLock()</c> call that entered the section.</summary>
    public Location? EnteredAt { get; }

    /// <summary>The method (or lambda / local function) whose body is being analysed.</summary>
    public string MethodName { get; }

    /// <summary>The 1-based line of <see cref="EnteredAt"/>, or 0 when unknown.</summary>
    public int EnteredAtLine => EnteredAt is null ? 0 : EnteredAt.GetLineSpan().StartLinePosition.Line + 1;

    /// <summary>
    /// A phrase that completes "... may sleep ___": "inside the RCU read-side section entered at line 12",
    /// "in method 'Record' marked [RcuReadLockHeld]", "in allocation hook 'Record'".
    /// </summary>
    public string Describe() => Kind switch
    {
        AtomicContextKind.AllocationHook when LambdaLine > 0 => $"in the allocation hook lambda at line {LambdaLine}",
        AtomicContextKind.AllocationHook => $"in allocation hook '{MethodName}'",
        AtomicContextKind.RcuReadLockHeldMethod when LambdaLine > 0 => $"in the lambda at line {LambdaLine} marked [RcuReadLockHeld]",
        AtomicContextKind.RcuReadLockHeldMethod => $"in method '{MethodName}' marked [RcuReadLockHeld]",
        _ => EnteredAt is null
            ? "inside an RCU read-side section"
            : $"inside the RCU read-side section entered at line {EnteredAtLine}",
    };

    public override string ToString() => Describe();
}
