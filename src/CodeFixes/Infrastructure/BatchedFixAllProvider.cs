using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>
/// Fix All for one document in passes, each linear in its fixes: every fix of a pass is computed against the same
/// tree and semantic model (one <see cref="FixSession"/>), their edits go into one editor, and the new code is
/// formatted once. A fix whose edits touch a node another fix of the pass touches, or an ancestor or descendant of
/// one (two fixes inserting before the same statement, two rewrites of one expression), waits for the next pass,
/// which runs on the result, so no fix is dropped and each sees the code the others left (as applying them one by
/// one would). The diagnostics' nodes carry annotations, which survive the edits wherever the node survives; a fix
/// whose node an earlier fix replaced is skipped, because that fix already rewrote it.
/// </summary>
internal sealed class BatchedFixAllProvider : DocumentBasedFixAllProvider
{
    private const string AnnotationKind = "GfpAnalyzers.FixAllTarget";

    private readonly GfpFixProvider _provider;

    public BatchedFixAllProvider(GfpFixProvider provider) => _provider = provider;

    protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var cancellationToken = fixAllContext.CancellationToken;
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var action = _provider.ActionFor(fixAllContext.CodeActionEquivalenceKey);
        if (root is null || diagnostics.IsEmpty || action is null || !action.RunsInSession)
        {
            return document;
        }

        var ordered = diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, System.StringComparer.Ordinal).ToArray();
        var (current, pending) = Annotate(document, root, ordered);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (fixedDocument, deferred) = await PassAsync(action, current, pending, cancellationToken).ConfigureAwait(false);
            current = fixedDocument;
            pending = deferred;
        }

        return await WithoutTargetAnnotationsAsync(current, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks each diagnostic's node, so it can be found again after earlier passes changed the document.</summary>
    private static (Document Document, List<(Diagnostic Diagnostic, SyntaxAnnotation Annotation)> Targets) Annotate(Document document, SyntaxNode root, Diagnostic[] ordered)
    {
        var targets = new List<(Diagnostic, SyntaxAnnotation)>();
        var annotationsByNode = new Dictionary<SyntaxNode, List<SyntaxAnnotation>>();
        for (var i = 0; i < ordered.Length; i++)
        {
            if (FixTargets.NodeAt(root, ordered[i].Location.SourceSpan) is not { } node)
            {
                continue;
            }

            var annotation = new SyntaxAnnotation(AnnotationKind, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            targets.Add((ordered[i], annotation));
            if (!annotationsByNode.TryGetValue(node, out var list))
            {
                annotationsByNode[node] = list = new List<SyntaxAnnotation>();
            }

            list.Add(annotation);
        }

        var annotated = root.ReplaceNodes(annotationsByNode.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(annotationsByNode[original]));
        return (document.WithSyntaxRoot(annotated), targets);
    }

    /// <summary>
    /// One pass: each pending fix computed on <paramref name="document"/>; the ones whose edits do not overlap an
    /// earlier fix of the pass applied together; the others returned for the next pass.
    /// </summary>
    private static async Task<(Document Document, List<(Diagnostic, SyntaxAnnotation)> Deferred)> PassAsync(
        FixAction action, Document document, List<(Diagnostic Diagnostic, SyntaxAnnotation Annotation)> pending, CancellationToken cancellationToken)
    {
        var deferred = new List<(Diagnostic, SyntaxAnnotation)>();
        var session = await FixSession.CreateBatchAsync(document, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            return (document, deferred);
        }

        // One walk finds every target (a lookup per annotation would walk every annotated path each time: quadratic).
        var targets = new Dictionary<SyntaxAnnotation, SyntaxNode>();
        foreach (var node in session.Root.GetAnnotatedNodes(AnnotationKind))
        {
            foreach (var annotation in node.GetAnnotations(AnnotationKind))
            {
                targets[annotation] = node;
            }
        }

        var footprints = new EditFootprints();
        var accepted = new List<FixEditor>();
        foreach (var (diagnostic, annotation) in pending)
        {
            if (!targets.TryGetValue(annotation, out var target)
                || await action.ApplyInSessionAsync(session, target, diagnostic, cancellationToken).ConfigureAwait(false) is null
                || session.TakeFinished() is not { IsEmpty: false } edits)
            {
                continue;
            }

            if (footprints.Overlaps(edits.Touched))
            {
                deferred.Add((diagnostic, annotation));
                continue;
            }

            footprints.Add(edits.Touched);
            accepted.Add(edits);
        }

        // The first fix of a pass never overlaps anything: every pass applies at least one, so passes end.
        return accepted.Count == 0 ? (document, deferred) : (await session.FinishAsync(accepted, cancellationToken).ConfigureAwait(false), deferred);
    }

    /// <summary>Leaves no bookkeeping behind in the user's tree.</summary>
    private static async Task<Document> WithoutTargetAnnotationsAsync(Document document, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var marked = root.GetAnnotatedNodes(AnnotationKind).ToArray();
        return marked.Length == 0
            ? document
            : document.WithSyntaxRoot(root.ReplaceNodes(marked, (_, rewritten) => rewritten.WithoutAnnotations(AnnotationKind)));
    }

    /// <summary>The nodes the fixes of a pass touch, and all their ancestors: overlap is a shared node or an ancestor of one.</summary>
    private sealed class EditFootprints
    {
        private readonly HashSet<SyntaxNode> _touched = new();
        private readonly HashSet<SyntaxNode> _touchedOrAncestors = new();

        public bool Overlaps(IReadOnlyList<SyntaxNode> nodes)
        {
            foreach (var node in nodes)
            {
                // The node contains a touched node, or is one.
                if (_touchedOrAncestors.Contains(node))
                {
                    return true;
                }

                // A touched node contains it.
                for (var ancestor = node.Parent; ancestor is not null; ancestor = ancestor.Parent)
                {
                    if (_touched.Contains(ancestor))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        public void Add(IReadOnlyList<SyntaxNode> nodes)
        {
            foreach (var node in nodes)
            {
                _touched.Add(node);
                for (var current = node; current is not null && _touchedOrAncestors.Add(current); current = current.Parent)
                {
                }
            }
        }
    }
}
