using System.Threading;
using System.Threading.Tasks;
using GfpAnalyzers.CodeFixes.Infrastructure;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.CodeFixes.SharedFixes;

/// <summary>
/// "Use the context's non-sleeping flags" (GFP001, GFP002, GFP003): the flags the kernel uses in the context the
/// diagnostic names (<see cref="ContextIdiom"/>). <c>Gfp.Atomic</c> where waking kswapd is fine; <c>Gfp.High</c>
/// where it is not (an allocation hook's callers or the runqueue lock may hold scheduler locks) or where the project
/// configures GFP002 to report it; inside allocation hooks <c>Gfp.High | Gfp.NoCodetag</c> with the clears that go
/// with it (<see cref="UseHighNoCodetagFix"/>). Harmless constant bits the flags carried (<c>Zero</c>, <c>NoWarn</c>,
/// a zone) are kept. The light bulb names the flags it writes.
/// </summary>
internal static class UseContextFlagsFix
{
    public const string EquivalenceKey = "GfpAnalyzers.UseContextFlags";

    public static readonly FixAction Action = FixAction.OnFlags(EquivalenceKey, "Use the context's non-sleeping flags", ApplyAsync)
        .WithTitles((session, target, diagnostic, cancellationToken) => ContextIdiom.Title(ContextIdiom.For(session, target, diagnostic, cancellationToken)));

    private static async Task<Document?> ApplyAsync(FixSession session, FlagsArgument flags, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var idiom = ContextIdiom.For(session, flags.Allocation, diagnostic, cancellationToken);
        if (idiom == ContextIdiomKind.HighNoCodetag)
        {
            return await UseHighNoCodetagFix.ApplyAsync(session, flags, diagnostic, cancellationToken).ConfigureAwait(false);
        }

        if (ContextIdiom.Replacement(session, flags.Expression, idiom, cancellationToken) is not { } replacement)
        {
            return null;
        }

        var editor = session.CreateEditor();
        editor.ReplaceNode(flags.Expression, replacement);
        return await session.FinishAsync(editor, cancellationToken).ConfigureAwait(false);
    }
}
