using System.Collections.Generic;
using System.Linq;
using GfpAnalyzers.Analyzers.AtomicContext;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>
/// GFP008's second leak case: a lock held at an exit on some paths only, because a jump skipped its release — the
/// kernel's classic early-exit leak (<c>lock; switch (cmd) { case X: if (err) break; …; unlock; return 0; default:
/// unlock; break; } return -EINVAL;</c>, or <c>break</c> out of a loop between lock and unlock). Other paths reach that
/// exit having released the lock, so "held on every path" does not hold; conditions the analysis cannot correlate
/// would make the same picture, so the rule asks the syntax for evidence that the path is real:
/// <list type="bullet">
/// <item>the lock call is a statement of its own in a block or switch section;</item>
/// <item>a <c>break</c>, <c>continue</c> or <c>goto</c> follows it in that block, with no release of the lock anywhere between the two
/// (so the lock is held where the jump is taken, whatever the conditions);</item>
/// <item>and the jump leaves a block whose later statements (before the jump's target) hold an unconditional release of
/// that lock: the jump skips the release the method wrote for this lock.</item>
/// </list>
/// A lock taken under a condition and released under the same one is not a statement of a block (it is the body of an
/// <c>if</c>), so it never gets here; correlated conditions are silenced by the lock flow itself.
/// </summary>
internal static class GFP008SkippedReleases
{
    /// <summary>The jump that leaves <paramref name="site"/> held and the release it skips, or null when the syntax shows none.</summary>
    public static (SyntaxNode Jump, SyntaxNode Release)? Find(LockFlow flow, LockSite site)
    {
        if (site.Location?.SourceTree is not { } tree || site.Operation is null)
        {
            return null;
        }

        var releases = Releases(flow, site);
        var call = tree.GetRoot().FindNode(site.Location.SourceSpan, getInnermostNodeForTie: true);
        if (releases.Count == 0 || StatementOf(call) is not { } statement || Siblings(statement) is not { } list)
        {
            return null;
        }

        var lockEnd = statement.Span.End;
        for (var index = list.IndexOf(statement) + 1; index < list.Count; index++)
        {
            foreach (var jump in Jumps(list[index]))
            {
                // Released somewhere between the lock and the jump (even conditionally): the lock may not be held there.
                if (releases.Any(release => release.SpanStart > lockEnd && release.SpanStart < jump.SpanStart))
                {
                    return null;
                }

                if (SkippedRelease(jump, statement, releases) is { } skipped)
                {
                    return (jump, skipped);
                }
            }
        }

        return null;
    }

    /// <summary>"'break' at line 12".</summary>
    public static string Describe(SyntaxNode jump)
    {
        var keyword = jump switch
        {
            BreakStatementSyntax => "break",
            ContinueStatementSyntax => "continue",
            _ => "goto",
        };
        return $"'{keyword}' at line {Line(jump)}";
    }

    public static int Line(SyntaxNode node) => node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    /// <summary>The syntax of every explicit release in the method that may release <paramref name="site"/>, in source order.</summary>
    private static List<SyntaxNode> Releases(LockFlow flow, LockSite site)
    {
        var result = new List<SyntaxNode>();
        foreach (var statements in flow.Scan.Events)
        {
            foreach (var events in statements)
            {
                if (events is null)
                {
                    continue;
                }

                foreach (var e in events)
                {
                    if (e.Kind == LockEventKind.Release && e.Release!.Matches(site))
                    {
                        result.Add(e.Operation.Syntax);
                    }
                }
            }
        }

        return result.OrderBy(node => node.SpanStart).ToList();
    }

    /// <summary>The statement the lock call is, alone: <c>l.Lock();</c> or <c>var flags = l.LockIrqSave();</c>.</summary>
    private static StatementSyntax? StatementOf(SyntaxNode call)
    {
        var node = call;
        while (node.Parent is ParenthesizedExpressionSyntax or CastExpressionSyntax)
        {
            node = node.Parent;
        }

        return node.Parent switch
        {
            ExpressionStatementSyntax expression => expression,
            EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax local } } } => local,
            _ => null,
        };
    }

    /// <summary>The statements of the block or switch section <paramref name="statement"/> is in.</summary>
    private static SyntaxList<StatementSyntax>? Siblings(SyntaxNode statement) => statement.Parent switch
    {
        BlockSyntax block => block.Statements,
        SwitchSectionSyntax section => section.Statements,
        _ => null,
    };

    /// <summary>The jumps inside a statement (not inside lambdas or local functions, which are code of their own).</summary>
    private static IEnumerable<StatementSyntax> Jumps(StatementSyntax statement)
        => statement.DescendantNodesAndSelf(node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .OfType<StatementSyntax>()
            .Where(node => node is BreakStatementSyntax or ContinueStatementSyntax
                || node is GotoStatementSyntax { RawKind: (int)SyntaxKind.GotoStatement, Expression: IdentifierNameSyntax });

    /// <summary>
    /// The unconditional release the jump skips: a release statement after it in a block it leaves, inside the construct
    /// it jumps out of (a <c>break</c>'s loop or switch, a <c>continue</c>'s loop) and no further out than the lock's
    /// own block; for a <c>goto</c>, one its label does not lead back to.
    /// </summary>
    private static SyntaxNode? SkippedRelease(SyntaxNode jump, StatementSyntax lockStatement, List<SyntaxNode> releases)
    {
        var target = jump is GotoStatementSyntax ? null : Target(jump);
        if (jump is not GotoStatementSyntax && target is null)
        {
            return null;
        }

        for (SyntaxNode node = jump; node.Parent is { } parent; node = parent)
        {
            if (parent == target || parent is MemberDeclarationSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
            {
                return null;
            }

            if (Siblings(node) is { } list && node is StatementSyntax statement)
            {
                for (var index = list.IndexOf(statement) + 1; index < list.Count; index++)
                {
                    if (list[index] is ExpressionStatementSyntax { Expression: var expression }
                        && releases.FirstOrDefault(release => release == expression || release.Parent == expression) is { } release
                        && (jump is not GotoStatementSyntax go || LabelSkips(go, release, lockStatement)))
                    {
                        return release;
                    }
                }
            }

            if (parent == lockStatement.Parent)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>A goto's label lies after the release or before the lock: the release does not run on its way.</summary>
    private static bool LabelSkips(GotoStatementSyntax jump, SyntaxNode release, StatementSyntax lockStatement)
    {
        var name = ((IdentifierNameSyntax)jump.Expression!).Identifier.ValueText;
        var body = jump.Ancestors().FirstOrDefault(node => node is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax);
        var label = body?.DescendantNodes().OfType<LabeledStatementSyntax>().FirstOrDefault(l => l.Identifier.ValueText == name);
        return label is not null && (label.SpanStart > release.Span.End || label.Span.End < lockStatement.SpanStart);
    }

    /// <summary>The loop or switch a <c>break</c> leaves, or the loop a <c>continue</c> goes on with.</summary>
    private static SyntaxNode? Target(SyntaxNode jump)
    {
        foreach (var ancestor in jump.Ancestors())
        {
            switch (ancestor)
            {
                case ForStatementSyntax or ForEachStatementSyntax or ForEachVariableStatementSyntax or WhileStatementSyntax or DoStatementSyntax:
                    return ancestor;
                case SwitchStatementSyntax when jump is BreakStatementSyntax:
                    return ancestor;
                case MemberDeclarationSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                    return null;
            }
        }

        return null;
    }
}
