using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Formatting;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>
/// What every fix starts from: the document, its semantic model and the runtime's symbols. A fix records its edits
/// in a <see cref="FixEditor"/> and hands it to <see cref="FinishAsync(FixEditor, CancellationToken)"/>. Alone, that
/// makes the fixed document; in a Fix All batch (<see cref="CreateBatchAsync"/>) many fixes share one session, all
/// computed against the same tree, and the batch collects their editors to apply them together.
/// </summary>
internal sealed class FixSession
{
    private readonly bool _isBatch;
    private readonly Dictionary<SyntaxNode, HashSet<string>> _namesTaken = new();
    private FixEditor? _finished;

    private FixSession(Document document, SyntaxNode root, SemanticModel model, RuntimeSymbols symbols, bool isBatch)
    {
        Document = document;
        Root = root;
        Model = model;
        Symbols = symbols;
        _isBatch = isBatch;
    }

    public Document Document { get; }
    public SyntaxNode Root { get; }
    public SemanticModel Model { get; }
    public RuntimeSymbols Symbols { get; }

    /// <summary>Null when the document has no tree or model, or does not reference the runtime (then nothing is fixed).</summary>
    public static Task<FixSession?> CreateAsync(Document document, CancellationToken cancellationToken)
        => CreateAsync(document, isBatch: false, cancellationToken);

    /// <summary>A session shared by the fixes of one Fix All batch: <see cref="FinishAsync(FixEditor, CancellationToken)"/> only collects.</summary>
    public static Task<FixSession?> CreateBatchAsync(Document document, CancellationToken cancellationToken)
        => CreateAsync(document, isBatch: true, cancellationToken);

    private static async Task<FixSession?> CreateAsync(Document document, bool isBatch, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || !RuntimeSymbols.TryCreate(model.Compilation, out var symbols))
        {
            return null;
        }

        return new FixSession(document, root, model, symbols, isBatch);
    }

    public FixEditor CreateEditor() => new();

    /// <summary>
    /// The fixed document: the edits applied and the code they created (only that) formatted. In a batch, the editor
    /// is kept for <see cref="TakeFinished"/> and the document returned unchanged (it only says "the fix applies").
    /// </summary>
    public Task<Document> FinishAsync(FixEditor editor, CancellationToken cancellationToken)
    {
        if (_isBatch)
        {
            _finished = editor;
            return Task.FromResult(Document);
        }

        return FinishAsync(ScopedEdits.Apply(Root, new[] { editor }, Document.Project.Solution.Services), cancellationToken);
    }

    /// <summary>In a batch: the editor the last fix finished with (null if it declined), cleared for the next fix.</summary>
    public FixEditor? TakeFinished()
    {
        var finished = _finished;
        _finished = null;
        return finished;
    }

    /// <summary>
    /// Names new locals of <paramref name="function"/> must not use: in a batch, the ones earlier fixes of the same
    /// function chose (they are not in the tree the fixes read yet).
    /// </summary>
    public HashSet<string> NamesTakenIn(SyntaxNode function)
    {
        if (!_namesTaken.TryGetValue(function, out var names))
        {
            _namesTaken[function] = names = new HashSet<string>(System.StringComparer.Ordinal);
        }

        return names;
    }

    /// <summary>The edits of many fixes of a batch applied together (<see cref="ScopedEdits"/>), as one document.</summary>
    public Task<Document> FinishAsync(IReadOnlyList<FixEditor> editors, CancellationToken cancellationToken)
        => FinishAsync(ScopedEdits.Apply(Root, editors, Document.Project.Solution.Services), cancellationToken);

    /// <summary>The document with <paramref name="changedRoot"/>, the code the edits created (and only that) formatted.</summary>
    private async Task<Document> FinishAsync(SyntaxNode changedRoot, CancellationToken cancellationToken)
    {
        var edited = Document.WithSyntaxRoot(changedRoot);
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
