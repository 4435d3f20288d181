using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>What every fix starts from: the document, its semantic model and the runtime's symbols.</summary>
internal sealed class FixSession
{
    private FixSession(Document document, SyntaxNode root, SemanticModel model, RuntimeSymbols symbols)
    {
        Document = document;
        Root = root;
        Model = model;
        Symbols = symbols;
    }

    public Document Document { get; }
    public SyntaxNode Root { get; }
    public SemanticModel Model { get; }
    public RuntimeSymbols Symbols { get; }

    /// <summary>Null when the document has no tree or model, or does not reference the runtime (then nothing is fixed).</summary>
    public static async Task<FixSession?> CreateAsync(Document document, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || !RuntimeSymbols.TryCreate(model.Compilation, out var symbols))
        {
            return null;
        }

        return new FixSession(document, root, model, symbols);
    }

    public SyntaxEditor CreateEditor() => new(Root, Document.Project.Solution.Services);

    /// <summary>The edited document, with the code the fix created (and only that) formatted.</summary>
    public async Task<Document> FinishAsync(SyntaxEditor editor, CancellationToken cancellationToken)
    {
        var edited = Document.WithSyntaxRoot(editor.GetChangedRoot());
        var formatted = await Formatter.FormatAsync(edited, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await WithoutFormatterAnnotationsAsync(formatted, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Formatting leaves its annotation on the new code. Removed once formatted: Fix All applies fixes one after
    /// another, and each would format again everything every earlier fix created (quadratic in the findings).
    /// </summary>
    private static async Task<Document> WithoutFormatterAnnotationsAsync(Document document, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || !root.ContainsAnnotations)
        {
            return document;
        }

        var nodes = new List<SyntaxNode>();
        var tokens = new List<SyntaxToken>();
        foreach (var annotated in root.GetAnnotatedNodesAndTokens(Formatter.Annotation))
        {
            if (annotated.AsNode() is { } node)
            {
                nodes.Add(node);
            }
            else
            {
                tokens.Add(annotated.AsToken());
            }
        }

        if (nodes.Count == 0 && tokens.Count == 0)
        {
            return document;
        }

        var cleaned = root.ReplaceSyntax(
            nodes, (_, rewritten) => rewritten.WithoutAnnotations(Formatter.Annotation),
            tokens, (_, rewritten) => rewritten.WithoutAnnotations(Formatter.Annotation),
            Enumerable.Empty<SyntaxTrivia>(), (_, rewritten) => rewritten);
        return document.WithSyntaxRoot(cleaned);
    }
}
