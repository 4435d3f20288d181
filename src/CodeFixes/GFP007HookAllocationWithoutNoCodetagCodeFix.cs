using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.CodeFixes.Infrastructure;
using GfpAnalyzers.CodeFixes.SharedFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace GfpAnalyzers.CodeFixes;

/// <summary>
/// GFP007 (an allocation in an [AllocationHook] method without NoCodetag, which re-enters the hook): use the v6
/// constant, or keep the flags and add NoCodetag. Either way the page then has no codetag, so ClearPageTagRef goes
/// before each of its frees in the method.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GFP007HookAllocationWithoutNoCodetagCodeFix))]
[Shared]
internal sealed class GFP007HookAllocationWithoutNoCodetagCodeFix : GfpFixProvider
{
    public const string AddNoCodetagKey = "GfpAnalyzers.AddNoCodetag";

    private static readonly FixAction AddNoCodetag = FixAction.OnFlags(AddNoCodetagKey, "Add Gfp.NoCodetag", AddNoCodetagAsync);

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.HookAllocationWithoutNoCodetag);

    internal override ImmutableArray<FixAction> Actions { get; } = ImmutableArray.Create(UseHighNoCodetagFix.Action, AddNoCodetag);

    private static async Task<Document?> AddNoCodetagAsync(FixSession session, FlagsArgument flags, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var editor = session.CreateEditor();
        if (!FlagFixSupport.SyntacticallyIncludes(flags.Expression, session.Symbols.Bits.NoCodetag, session.Model, cancellationToken))
        {
            var spelling = GfpSpelling.For(session.Model, flags.Expression.SpanStart, session.Symbols, cancellationToken);
            var added = FlagExpressions.OrOf(flags.Expression.WithoutTrivia(), spelling.Member("NoCodetag"));
            editor.ReplaceNode(flags.Expression, added.WithTriviaFrom(flags.Expression));
        }

        return FlagFixSupport.TryClearBeforeFreesOf(flags.Allocation, editor, session, cancellationToken)
            ? await session.FinishAsync(editor, cancellationToken).ConfigureAwait(false)
            : null;
    }
}
