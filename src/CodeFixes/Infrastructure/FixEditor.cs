using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Editing;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>
/// The edits of one fix, recorded against the document's tree and applied only once the fix has decided to go
/// ahead (a fix that declines halfway leaves nothing behind). Fix All applies the edits of many fixes to one
/// <see cref="SyntaxEditor"/>; <see cref="Touched"/> is what lets it tell which fixes' edits overlap.
/// </summary>
internal sealed class FixEditor
{
    private readonly List<Action<SyntaxEditor>> _edits = new();
    private readonly List<SyntaxNode> _touched = new();

    /// <summary>The nodes of the original tree this fix replaces, removes, changes or inserts before.</summary>
    public IReadOnlyList<SyntaxNode> Touched => _touched;

    public bool IsEmpty => _edits.Count == 0;

    public void ReplaceNode(SyntaxNode node, SyntaxNode replacement)
        => Record(node, editor => editor.ReplaceNode(node, replacement));

    /// <summary>Replaces <paramref name="node"/> by what <paramref name="compute"/> makes of its current version.</summary>
    public void ReplaceNode(SyntaxNode node, Func<SyntaxNode, SyntaxGenerator, SyntaxNode> compute)
        => Record(node, editor => editor.ReplaceNode(node, compute));

    public void InsertBefore(SyntaxNode node, IEnumerable<SyntaxNode> inserted)
    {
        var list = inserted.ToList();
        Record(node, editor => editor.InsertBefore(node, list));
    }

    public void RemoveNode(SyntaxNode node, SyntaxRemoveOptions options)
        => Record(node, editor => editor.RemoveNode(node, options));

    public void AddAttribute(SyntaxNode declaration, SyntaxNode attribute)
        => Record(declaration, editor => editor.AddAttribute(declaration, attribute));

    /// <summary>Plays the recorded edits, in order, into <paramref name="editor"/> (made on the same tree).</summary>
    public void ApplyTo(SyntaxEditor editor)
    {
        foreach (var edit in _edits)
        {
            edit(editor);
        }
    }

    private void Record(SyntaxNode node, Action<SyntaxEditor> edit)
    {
        _touched.Add(node);
        _edits.Add(edit);
    }
}
