using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.AtomicContext;

internal enum RcuEventKind
{
    /// <summary><c>Rcu.ReadLock()</c>.</summary>
    Lock,

    /// <summary>An explicit <c>Rcu.ReadUnlock()</c>.</summary>
    Unlock,

    /// <summary><c>RcuReadGuard.Dispose()</c>, explicit or the one a <c>using</c> runs in its finally block.</summary>
    GuardDispose,

    /// <summary>An assignment to a tracked <c>bool</c> local or parameter.</summary>
    ConditionWrite,
}

/// <summary>Something inside one CFG operation that changes a <see cref="PathState"/>.</summary>
internal readonly struct RcuEvent
{
    public RcuEvent(RcuEventKind kind, IOperation operation, int site, ISymbol? symbol, bool? value)
    {
        Kind = kind;
        Operation = operation;
        Site = site;
        Symbol = symbol;
        Value = value;
    }

    public RcuEventKind Kind { get; }

    /// <summary>The invocation or assignment.</summary>
    public IOperation Operation { get; }

    /// <summary>For <see cref="RcuEventKind.Lock"/>: the lock site id (1-based).</summary>
    public int Site { get; }

    /// <summary>For <see cref="RcuEventKind.ConditionWrite"/>: the local or parameter written.</summary>
    public ISymbol? Symbol { get; }

    /// <summary>For <see cref="RcuEventKind.ConditionWrite"/>: the constant written, or null when not constant.</summary>
    public bool? Value { get; }
}
