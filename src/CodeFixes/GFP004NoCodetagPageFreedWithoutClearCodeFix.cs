using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.CodeFixes.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace GfpAnalyzers.CodeFixes;

/// <summary>
/// GFP004 (a NoCodetag page freed without ClearPageTagRef on some path): clears the page right before the free,
/// with the free's own receiver and page expression, so the path that missed it is covered (a second clear on a
/// path that already had one is harmless: it only marks the reference empty again). Not offered when the receiver
/// or page expression could evaluate differently a second time (a call), or the free is part of a larger expression.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GFP004NoCodetagPageFreedWithoutClearCodeFix))]
[Shared]
internal sealed class GFP004NoCodetagPageFreedWithoutClearCodeFix : GfpFixProvider
{
    public const string EquivalenceKey = "GfpAnalyzers.ClearTagBeforeFree";

    private static readonly FixAction ClearBeforeFree = FixAction.OnSession(EquivalenceKey, "Clear the page's codetag before freeing it", ApplyAsync);

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NoCodetagPageFreedWithoutClear);

    internal override ImmutableArray<FixAction> Actions { get; } = ImmutableArray.Create(ClearBeforeFree);

    private static async Task<Document?> ApplyAsync(FixSession session, SyntaxNode target, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (FixTargets.InvocationAt(target) is not { } invocation
            || CodetagClearing.AsFree(invocation, session.Model, session.Symbols, cancellationToken) is not { } free
            || CodetagClearing.IsPrecededByClear(free))
        {
            return null;
        }

        var editor = session.CreateEditor();
        return CodetagClearing.TryInsertClearBefore(editor, free)
            ? await session.FinishAsync(editor, cancellationToken).ConfigureAwait(false)
            : null;
    }
}
