using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.CodeFixes.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GfpAnalyzers.CodeFixes;

/// <summary>
/// GFP006 (a flag another operand already implies, as in <c>Gfp.NoWait | Gfp.NoWarn</c>): removes the redundant
/// operand, or the whole <c>flags |= X;</c> statement that only adds it. The value does not change. Not offered
/// when the operand is not one side of a <c>|</c> (or <c>|=</c> statement).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GFP006RedundantFlagCodeFix))]
[Shared]
internal sealed class GFP006RedundantFlagCodeFix : GfpFixProvider
{
    public const string EquivalenceKey = "GfpAnalyzers.RemoveRedundantFlag";

    private static readonly FixAction RemoveRedundantFlag = FixAction.OnSession(EquivalenceKey, "Remove the redundant flag", ApplyAsync);

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.RedundantFlag);

    internal override ImmutableArray<FixAction> Actions { get; } = ImmutableArray.Create(RemoveRedundantFlag);

    private static async Task<Document?> ApplyAsync(FixSession session, SyntaxNode target, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (target is not ExpressionSyntax operand)
        {
            return null;
        }

        var editor = session.CreateEditor();
        if (FlagExpressions.TryGetRemoval(operand, out var replaced, out var replacement))
        {
            editor.ReplaceNode(replaced, replacement);
        }
        else if (Outermost(operand).Parent is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.OrAssignmentExpression, Parent: ExpressionStatementSyntax statement } assignment
            && assignment.Right == Outermost(operand)
            && StatementInsertion.CanInsertBefore(statement)
            && statement.Parent is BlockSyntax or SwitchSectionSyntax)
        {
            editor.RemoveNode(statement, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        }
        else
        {
            return null;
        }

        return await session.FinishAsync(editor, cancellationToken).ConfigureAwait(false);
    }

    private static ExpressionSyntax Outermost(ExpressionSyntax operand)
    {
        while (operand.Parent is ParenthesizedExpressionSyntax parenthesized)
        {
            operand = parenthesized;
        }

        return operand;
    }
}
