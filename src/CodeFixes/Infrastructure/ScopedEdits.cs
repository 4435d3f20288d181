using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Host;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>
/// Applies the edits of many fixes to a tree, member by member: the edits inside one member go through an editor
/// rooted at that member, and the edited members replace the old ones in one pass. One editor over the whole tree
/// costs, per edit, a walk to the root and a copy of every list on the way (all the type's members): Fix All with
/// hundreds of findings in one type would be quadratic.
/// </summary>
internal static class ScopedEdits
{
    public static SyntaxNode Apply(SyntaxNode root, IReadOnlyList<FixEditor> fixes, SolutionServices services)
    {
        var scopes = fixes.Select(fix => Scope(fix.Touched, root)).ToList();
        if (scopes.Any(scope => scope == root))
        {
            return ApplyAll(root, fixes, services);
        }

        // A member holding another fix's member (an attribute added to a method, a statement edited in it) takes both.
        var distinct = new HashSet<SyntaxNode>(scopes);
        var groups = new Dictionary<SyntaxNode, List<FixEditor>>();
        var order = new List<SyntaxNode>();
        for (var i = 0; i < fixes.Count; i++)
        {
            var scope = Outermost(scopes[i], distinct);
            if (!groups.TryGetValue(scope, out var group))
            {
                groups[scope] = group = new List<FixEditor>();
                order.Add(scope);
            }

            group.Add(fixes[i]);
        }

        var edited = new Dictionary<SyntaxNode, SyntaxNode>();
        foreach (var scope in order)
        {
            edited[scope] = ApplyAll(scope, groups[scope], services);
        }

        return root.ReplaceNodes(order, (original, _) => edited[original]);
    }

    private static SyntaxNode ApplyAll(SyntaxNode scope, IReadOnlyList<FixEditor> fixes, SolutionServices services)
    {
        var editor = new SyntaxEditor(scope, services);
        foreach (var fix in fixes)
        {
            fix.ApplyTo(editor);
        }

        return editor.GetChangedRoot();
    }

    /// <summary>The member (method, property, type, ...) strictly above every node the fix touches; the root when there is none.</summary>
    private static SyntaxNode Scope(IReadOnlyList<SyntaxNode> touched, SyntaxNode root)
    {
        if (touched.Count == 0)
        {
            return root;
        }

        var common = touched[0];
        foreach (var node in touched.Skip(1))
        {
            while (common is not null && !common.Contains(node))
            {
                common = common.Parent;
            }
        }

        for (var current = common?.Parent; current is not null; current = current.Parent)
        {
            if (current is MemberDeclarationSyntax)
            {
                return current;
            }
        }

        return root;
    }

    private static SyntaxNode Outermost(SyntaxNode scope, HashSet<SyntaxNode> scopes)
    {
        var outermost = scope;
        for (var current = scope.Parent; current is not null; current = current.Parent)
        {
            if (scopes.Contains(current))
            {
                outermost = current;
            }
        }

        return outermost;
    }
}
