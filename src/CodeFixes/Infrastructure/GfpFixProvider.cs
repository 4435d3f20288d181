using System.Collections.Immutable;
using System.Linq;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>
/// The shape every GFP fixer shares: a rule's fixes are <see cref="FixAction"/>s that either produce the fixed
/// document or decline (return null) when the code is outside what they can repair safely. The same action runs
/// for the light bulb and for Fix All, so both give the same result.
/// </summary>
internal abstract class GfpFixProvider : CodeFixProvider
{
    /// <summary>The actions this provider offers, in the order the light bulb (and <c>dotnet format</c>) lists them.</summary>
    internal abstract ImmutableArray<FixAction> Actions { get; }

    /// <summary>
    /// Batched by default: every fix of a document computed against the same tree and applied in one pass, fixes whose
    /// edits overlap (two redundant operands, two allocations whose frees both get a clear) in a later pass on the
    /// result, so none is dropped as a text-merging fixer would.
    /// </summary>
    public override FixAllProvider GetFixAllProvider() => new BatchedFixAllProvider(this);

    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var target = FixTargets.NodeAt(root, diagnostic.Location.SourceSpan);
            if (target is null)
            {
                continue;
            }

            foreach (var action in Actions)
            {
                // Computed eagerly: an action is offered only when it can really be applied to this code.
                var fixedDocument = await action.ApplyAsync(context.Document, target, diagnostic, context.CancellationToken).ConfigureAwait(false);
                if (fixedDocument is null)
                {
                    continue;
                }

                var title = await action.TitleForAsync(context.Document, target, diagnostic, context.CancellationToken).ConfigureAwait(false);
                context.RegisterCodeFix(
                    CodeAction.Create(title, _ => Task.FromResult(fixedDocument), action.EquivalenceKey),
                    diagnostic);
            }
        }
    }

    /// <summary>Applies the action with <paramref name="equivalenceKey"/> to one diagnostic (used by Fix All).</summary>
    internal Task<Document?> ApplyAsync(string? equivalenceKey, Document document, SyntaxNode target, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        foreach (var action in Actions)
        {
            if (equivalenceKey is null || action.EquivalenceKey == equivalenceKey)
            {
                return action.ApplyAsync(document, target, diagnostic, cancellationToken);
            }
        }

        return Task.FromResult<Document?>(null);
    }

    /// <summary>The action with <paramref name="equivalenceKey"/> (the first action when null), or null.</summary>
    internal FixAction? ActionFor(string? equivalenceKey)
        => Actions.FirstOrDefault(action => equivalenceKey is null || action.EquivalenceKey == equivalenceKey);
}

/// <summary>One fix: a stable equivalence key, a title that says what it does, and the edit.</summary>
internal sealed class FixAction
{
    public delegate Task<Document?> Apply(Document document, SyntaxNode target, Diagnostic diagnostic, CancellationToken cancellationToken);

    /// <summary>A fix of the code at the diagnostic, given the document's model and the runtime's symbols.</summary>
    public delegate Task<Document?> ApplyInSession(FixSession session, SyntaxNode target, Diagnostic diagnostic, CancellationToken cancellationToken);

    /// <summary>A fix of an allocation's flags argument (GFP001/2/3/5/7 are reported on the flags expression).</summary>
    public delegate Task<Document?> ApplyToFlags(FixSession session, FlagsArgument flags, Diagnostic diagnostic, CancellationToken cancellationToken);

    /// <summary>The light-bulb title for one diagnostic, where it says more than the catalogue title (which flags it writes).</summary>
    public delegate string TitleInSession(FixSession session, SyntaxNode target, Diagnostic diagnostic, CancellationToken cancellationToken);

    private readonly Apply _apply;
    private readonly ApplyInSession? _applyInSession;
    private readonly TitleInSession? _titleFor;

    public FixAction(string equivalenceKey, string title, Apply apply, TitleInSession? titleFor = null)
        : this(equivalenceKey, title, apply, applyInSession: null, titleFor)
    {
    }

    private FixAction(string equivalenceKey, string title, Apply apply, ApplyInSession? applyInSession, TitleInSession? titleFor)
    {
        EquivalenceKey = equivalenceKey;
        Title = title;
        _apply = apply;
        _applyInSession = applyInSession;
        _titleFor = titleFor;
    }

    /// <summary>An action that declines where the document does not reference the runtime.</summary>
    public static FixAction OnSession(string equivalenceKey, string title, ApplyInSession apply)
        => new(equivalenceKey, title, async (document, target, diagnostic, cancellationToken) =>
            await FixSession.CreateAsync(document, cancellationToken).ConfigureAwait(false) is { } session
                ? await apply(session, target, diagnostic, cancellationToken).ConfigureAwait(false)
                : null,
            apply,
            titleFor: null);

    /// <summary>Whether the action can run in a shared (Fix All batch) session: it was made with <see cref="OnSession"/>.</summary>
    public bool RunsInSession => _applyInSession is not null;

    /// <summary>Runs the action in <paramref name="session"/> (see <see cref="RunsInSession"/>); null when it declines.</summary>
    public Task<Document?> ApplyInSessionAsync(FixSession session, SyntaxNode target, Diagnostic diagnostic, CancellationToken cancellationToken)
        => _applyInSession is { } apply ? apply(session, target, diagnostic, cancellationToken) : Task.FromResult<Document?>(null);

    /// <summary>An action that also declines where the diagnostic is not at a bound allocation's flags argument.</summary>
    public static FixAction OnFlags(string equivalenceKey, string title, ApplyToFlags apply)
        => OnSession(equivalenceKey, title, (session, target, diagnostic, cancellationToken) =>
            FixTargets.FlagsArgumentAt(target, session.Model, session.Symbols, cancellationToken) is { } flags
                && !IsHuge(flags.Expression)
                ? apply(session, flags, diagnostic, cancellationToken)
                : Task.FromResult<Document?>(null));

    /// <summary>Flag expressions with more nodes than this are not rewritten (see <see cref="IsHuge"/>).</summary>
    private const int MaxFlagExpressionNodes = 1000;

    /// <summary>
    /// A machine-made flags expression of thousands of operands: the formatter that every code action runs over new
    /// code walks it recursively and gives up (InsufficientExecutionStackException), so no fix is offered there.
    /// </summary>
    private static bool IsHuge(SyntaxNode expression)
    {
        var count = 0;
        foreach (var _ in expression.DescendantNodesAndSelf())
        {
            if (++count > MaxFlagExpressionNodes)
            {
                return true;
            }
        }

        return false;
    }

    public string EquivalenceKey { get; }

    /// <summary>The catalogue title: the same for every diagnostic, listed in the README's rules table.</summary>
    public string Title { get; }

    /// <summary>This action with a per-diagnostic light-bulb title (same key, same edit).</summary>
    public FixAction WithTitles(TitleInSession titleFor) => new(EquivalenceKey, Title, _apply, _applyInSession, titleFor);

    /// <summary>The title the light bulb shows for <paramref name="diagnostic"/>: <see cref="Title"/> unless the action says more.</summary>
    public async Task<string> TitleForAsync(Document document, SyntaxNode target, Diagnostic diagnostic, CancellationToken cancellationToken)
        => _titleFor is not null && await FixSession.CreateAsync(document, cancellationToken).ConfigureAwait(false) is { } session
            ? _titleFor(session, target, diagnostic, cancellationToken)
            : Title;

    public Task<Document?> ApplyAsync(Document document, SyntaxNode target, Diagnostic diagnostic, CancellationToken cancellationToken)
        => _apply(document, target, diagnostic, cancellationToken);
}
