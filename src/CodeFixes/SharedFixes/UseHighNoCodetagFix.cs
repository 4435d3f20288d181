using System.Threading;
using System.Threading.Tasks;
using GfpAnalyzers.CodeFixes.Infrastructure;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.CodeFixes.SharedFixes;

/// <summary>
/// "Use Gfp.High | Gfp.NoCodetag" (GFP007, and GFP001–GFP003 inside allocation hooks through
/// <see cref="UseContextFlagsFix"/>): the constant the Linux series settled on (v6) for its hook: no reclaim of any
/// kind, access to reserves, no recursion into the allocation hook, nothing inherited.
/// The page then carries no codetag, so a ClearPageTagRef goes before each of its frees in the method.
/// Not offered when the flags expression does more than compute flags (a call, an assignment), which the
/// replacement would drop, or when a free of the page cannot get a clear in front of it.
/// </summary>
internal static class UseHighNoCodetagFix
{
    public const string EquivalenceKey = "GfpAnalyzers.UseHighNoCodetag";

    public static readonly FixAction Action = FixAction.OnFlags(EquivalenceKey, "Use Gfp.High | Gfp.NoCodetag", ApplyAsync);

    internal static async Task<Document?> ApplyAsync(FixSession session, FlagsArgument flags, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (FlagFixSupport.HasSideEffects(flags.Expression, session.Model, session.Symbols, cancellationToken))
        {
            return null;
        }

        var editor = session.CreateEditor();
        var bits = session.Symbols.Bits;
        var wanted = bits.High | bits.NoCodetag;
        if (FlagFixSupport.ConstantValue(flags.Expression, session.Model, cancellationToken) != wanted)
        {
            var spelling = GfpSpelling.For(session.Model, flags.Expression.SpanStart, session.Symbols, cancellationToken);
            editor.ReplaceNode(flags.Expression, spelling.Or(new[] { "High", "NoCodetag" }).WithTriviaFrom(flags.Expression));
        }

        if (!FlagFixSupport.TryClearBeforeFreesOf(flags.Allocation, editor, session, cancellationToken))
        {
            return null;
        }

        return await session.FinishAsync(editor, cancellationToken).ConfigureAwait(false);
    }
}
