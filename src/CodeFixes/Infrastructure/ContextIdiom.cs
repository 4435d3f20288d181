using System.Linq;
using System.Threading;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.Options;
using GfpAnalyzers.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>The flags the kernel uses in an atomic context, from the mildest to the most restricted.</summary>
internal enum ContextIdiomKind
{
    /// <summary><c>GFP_ATOMIC</c>: no sleeping, reserves allowed, kswapd may be woken (RCU sections, ordinary spinlocks).</summary>
    Atomic,

    /// <summary>
    /// <c>__GFP_HIGH</c>: <c>GFP_ATOMIC</c> without the kswapd wake-up, where waking kswapd may deadlock on scheduler
    /// locks or where GFP002 is configured to report it. Chosen over <c>GFP_NOWAIT &amp; ~__GFP_KSWAPD_RECLAIM</c>
    /// (which leaves only <c>__GFP_NOWARN</c>): that keeps no access to reserves and fails silently, while an
    /// allocation that must not wake kswapd is exactly the one that has nothing else to fall back on.
    /// </summary>
    High,

    /// <summary>
    /// <c>__GFP_HIGH | __GFP_NO_CODETAG</c>: inside an allocation hook, where the allocation must also not re-enter
    /// the hook (the v6 constant of the early-PFN series).
    /// </summary>
    HighNoCodetag,
}

/// <summary>
/// Chooses the flags a fix writes for an allocation (or a call passing flags) in atomic context, from what the analyzer
/// put into the diagnostic: the context kind, and whether a kswapd wake-up there is reported by GFP002 under the
/// project's effective <c>gfp_analyzers.GFP002.scope</c> or may deadlock on scheduler locks
/// (<see cref="KswapdWakeups"/>, the analyzers' own decision), so that the fixed code is not reported by GFP002 and
/// never wakes kswapd where scheduler locks may be held.
/// <c>NoCodetag</c> belongs in allocation hooks only: elsewhere it would switch profiling off for the call site and
/// give every free of the page a clear-before-free obligation.
/// </summary>
internal static class ContextIdiom
{
    /// <summary>The idiom for the code at <paramref name="node"/>, reported by <paramref name="diagnostic"/>.</summary>
    public static ContextIdiomKind For(FixSession session, SyntaxNode node, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var kind = KindOf(diagnostic)
            ?? (FlagFixSupport.IsInAllocationHook(node, session.Model, session.Symbols, cancellationToken) ? AtomicContextKind.AllocationHook : null);
        if (kind == AtomicContextKind.AllocationHook)
        {
            return ContextIdiomKind.HighNoCodetag;
        }

        // The analyzer says whether a kswapd wake-up is reported here or may deadlock (KswapdWakeups). Where it does not
        // say, Gfp.High: correct everywhere outside hooks, where Gfp.Atomic is correct only when the wake-up is harmless.
        return diagnostic.Properties.TryGetValue(KswapdWakeups.AvoidProperty, out var avoid) && avoid == "False"
            ? ContextIdiomKind.Atomic
            : ContextIdiomKind.High;
    }

    /// <summary>The light-bulb title for <paramref name="idiom"/>.</summary>
    public static string Title(ContextIdiomKind idiom) => idiom switch
    {
        ContextIdiomKind.Atomic => "Use Gfp.Atomic",
        ContextIdiomKind.High => "Use Gfp.High",
        _ => "Use Gfp.High | Gfp.NoCodetag",
    };

    /// <summary>
    /// The replacement for the flags expression <paramref name="expression"/> outside allocation hooks: the idiom,
    /// then what the constant operands of its top-level <c>|</c> chain carried that atomic context allows and the
    /// idiom does not already set. An operand that is entirely harmless stays as written (<c>Gfp.NoIo | Gfp.Zero</c>
    /// becomes <c>Gfp.Atomic | Gfp.Zero</c>); a composite keeps its harmless bits by name (<c>Gfp.NoWait</c> becomes
    /// <c>Gfp.High | Gfp.NoWarn</c>, <c>Gfp.KernelAccount</c> becomes <c>Gfp.Atomic | Gfp.Account</c>). Operands that
    /// are not constants are dropped, as the flags they might carry are unknown. Null for
    /// <see cref="ContextIdiomKind.HighNoCodetag"/> (that fix also inserts clears) or when the expression does more
    /// than compute flags.
    /// </summary>
    public static ExpressionSyntax? Replacement(FixSession session, ExpressionSyntax expression, ContextIdiomKind idiom, CancellationToken cancellationToken)
    {
        if (idiom == ContextIdiomKind.HighNoCodetag
            || FlagFixSupport.HasSideEffects(expression, session.Model, session.Symbols, cancellationToken))
        {
            return null;
        }

        var bits = session.Symbols.Bits;
        var idiomName = idiom == ContextIdiomKind.Atomic ? "Atomic" : "High";
        var covered = bits.ValueOf(idiomName);
        var dropped = DroppedBits(bits);
        var spelling = GfpSpelling.For(session.Model, expression.SpanStart, session.Symbols, cancellationToken);
        var replacement = spelling.Member(idiomName);
        foreach (var operand in FlagExpressions.OrOperands(FixTargets.Unwrap(expression)))
        {
            if (FlagFixSupport.ConstantValue(operand, session.Model, cancellationToken) is not { } value)
            {
                continue;
            }

            var carried = value & ~dropped & ~covered;
            if (carried == 0)
            {
                continue;
            }

            replacement = (value & dropped) == 0 && (value & covered) == 0
                ? FlagExpressions.OrOf(replacement, operand.WithoutTrivia())
                : FlagFixSupport.NamesOf(carried, bits).Aggregate(replacement, (left, name) => FlagExpressions.OrOf(left, spelling.Member(name)));
            covered |= value;
        }

        return replacement.WithTriviaFrom(expression);
    }

    /// <summary>
    /// Bits that do not survive into atomic context: reclaim of either kind (the idiom decides about kswapd), the
    /// reclaim modifiers that mean nothing without direct reclaim, and NoFail, which cannot be honoured without it (GFP005).
    /// </summary>
    private static uint DroppedBits(Analyzers.Symbols.GfpBits bits)
        => bits.DirectReclaim | bits.KswapdReclaim | bits.NoFail
            | bits.ValueOf("Io") | bits.ValueOf("Fs") | bits.ValueOf("RetryMayFail") | bits.ValueOf("NoRetry");

    /// <summary>The context the analyzer put into the diagnostic's <c>ContextKind</c> property, when it did.</summary>
    private static AtomicContextKind? KindOf(Diagnostic diagnostic)
        => diagnostic.Properties.TryGetValue(AllocationContextAnalyzer.ContextKindProperty, out var text)
            && System.Enum.TryParse<AtomicContextKind>(text, out var kind)
                ? kind
                : null;
}
