using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>
/// Fix All that applies the fixes of one document one after another, each on the result of the previous one,
/// so that fixes touching the same expression or method all land (a text-merging fixer drops overlapping edits).
/// The diagnostics' nodes are marked with annotations first, which survive the earlier edits wherever the node
/// itself survives; a fix whose node was replaced by an earlier fix is skipped, because that fix already rewrote it.
/// </summary>
internal sealed class SequentialFixAllProvider : DocumentBasedFixAllProvider
{
    private const string AnnotationKind = "GfpAnalyzers.FixAllTarget";

    private readonly GfpFixProvider _provider;

    public SequentialFixAllProvider(GfpFixProvider provider) => _provider = provider;

    protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var cancellationToken = fixAllContext.CancellationToken;
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || diagnostics.IsEmpty)
        {
            return document;
        }

        var ordered = diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, System.StringComparer.Ordinal).ToArray();
        var annotations = new SyntaxAnnotation[ordered.Length];
        var annotationsByNode = new Dictionary<SyntaxNode, List<SyntaxAnnotation>>();
        for (var i = 0; i < ordered.Length; i++)
        {
            var node = FixTargets.NodeAt(root, ordered[i].Location.SourceSpan);
            if (node is null)
            {
                continue;
            }

            annotations[i] = new SyntaxAnnotation(AnnotationKind, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!annotationsByNode.TryGetValue(node, out var list))
            {
                annotationsByNode[node] = list = new List<SyntaxAnnotation>();
            }

            list.Add(annotations[i]);
        }

        root = root.ReplaceNodes(annotationsByNode.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(annotationsByNode[original]));
        var current = document.WithSyntaxRoot(root);
        for (var i = 0; i < ordered.Length; i++)
        {
            if (annotations[i] is null)
            {
                continue;
            }

            var currentRoot = await current.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var target = currentRoot?.GetAnnotatedNodes(annotations[i]).FirstOrDefault();
            if (target is null)
            {
                continue;
            }

            var fixedDocument = await _provider.ApplyAsync(fixAllContext.CodeActionEquivalenceKey, current, target, ordered[i], cancellationToken).ConfigureAwait(false);
            if (fixedDocument is not null)
            {
                current = fixedDocument;
            }
        }

        // Leave no bookkeeping behind in the user's tree.
        var finalRoot = await current.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (finalRoot is null)
        {
            return current;
        }

        var marked = finalRoot.GetAnnotatedNodes(AnnotationKind).ToArray();
        return marked.Length == 0
            ? current
            : current.WithSyntaxRoot(finalRoot.ReplaceNodes(marked, (_, rewritten) => rewritten.WithoutAnnotations(AnnotationKind)));
    }
}
