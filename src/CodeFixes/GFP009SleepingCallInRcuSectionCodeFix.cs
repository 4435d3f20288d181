using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.CodeFixes.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.CodeFixes;

/// <summary>
/// GFP009 where the callee sleeps only because of the flags this call passes (it allocates with its <c>Gfp</c>
/// parameter, and the call passes <c>Gfp.Kernel</c>): pass the context's non-sleeping flags instead, chosen as GFP001's
/// fix chooses them (<see cref="ContextIdiom"/>). Nothing is offered for a call that sleeps whatever it passes
/// (<c>Rcu.Synchronize()</c>, a sleeping lock, a <c>[MightSleep]</c> method, a callee that allocates with its own
/// sleeping constant): that needs restructuring (docs/rules/GFP009.md). Nothing is offered in an allocation hook
/// either: the callee's allocation would need <c>NoCodetag</c> to stay out of the hook, and then clears before frees
/// this fix cannot see.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GFP009SleepingCallInRcuSectionCodeFix))]
[Shared]
internal sealed class GFP009SleepingCallInRcuSectionCodeFix : GfpFixProvider
{
    public const string PassContextFlagsKey = "GfpAnalyzers.PassContextFlags";

    private static readonly FixAction PassContextFlags = FixAction.OnSession(PassContextFlagsKey, "Pass the context's non-sleeping flags", PassContextFlagsAsync)
        .WithTitles((session, target, diagnostic, cancellationToken) =>
            "Pass " + ContextIdiom.Title(ContextIdiom.For(session, target, diagnostic, cancellationToken)).Substring("Use ".Length));

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SleepingCallInRcuSection);

    internal override ImmutableArray<FixAction> Actions { get; } = ImmutableArray.Create(PassContextFlags);

    private static async Task<Document?> PassContextFlagsAsync(FixSession session, SyntaxNode target, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var ordinals = SleepingArgumentOrdinals(diagnostic);
        var idiom = ContextIdiom.For(session, target, diagnostic, cancellationToken);
        if (ordinals.Count == 0 || idiom == ContextIdiomKind.HighNoCodetag
            || CallAt(target, session.Model, cancellationToken) is not { } arguments)
        {
            return null;
        }

        var editor = session.CreateEditor();
        foreach (var ordinal in ordinals)
        {
            var argument = arguments.FirstOrDefault(a => a.Parameter?.Ordinal == ordinal && a.ArgumentKind == ArgumentKind.Explicit);
            if (argument?.Syntax is not ArgumentSyntax { Expression: { IsMissing: false } expression }
                || ContextIdiom.Replacement(session, expression, idiom, cancellationToken) is not { } replacement)
            {
                return null;
            }

            editor.ReplaceNode(expression, replacement);
        }

        return await session.FinishAsync(editor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The arguments of the call or <c>new</c> the diagnostic is on.</summary>
    private static ImmutableArray<IArgumentOperation>? CallAt(SyntaxNode target, SemanticModel model, CancellationToken cancellationToken)
    {
        var node = target.FirstAncestorOrSelf<SyntaxNode>(n => n is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax);
        return node is null ? null : model.GetOperation(node, cancellationToken) switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => null,
        };
    }

    private static List<int> SleepingArgumentOrdinals(Diagnostic diagnostic)
    {
        var ordinals = new List<int>();
        if (diagnostic.Properties.TryGetValue(GFP009SleepingCallInRcuSectionAnalyzer.SleepingArgumentsProperty, out var text) && text is not null)
        {
            foreach (var part in text.Split(','))
            {
                if (int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ordinal))
                {
                    ordinals.Add(ordinal);
                }
            }
        }

        return ordinals;
    }
}
