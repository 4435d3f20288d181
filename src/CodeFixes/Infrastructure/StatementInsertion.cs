using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>
/// Inserts a statement so that it runs right before a given statement or void call: in its block or switch
/// section; by turning an embedded statement (<c>if (c) free(p);</c>) into a block; or by turning a void
/// expression body (<c>=&gt; free(p);</c>) into a block body. New code carries <see cref="Formatter.Annotation"/>.
/// </summary>
internal static class StatementInsertion
{
    /// <summary>Whether a statement can be inserted so that it runs right before the void call <paramref name="call"/>.</summary>
    public static bool CanInsertBefore(ExpressionSyntax call)
        => call.Parent switch
        {
            ExpressionStatementSyntax statement => CanInsertBefore(statement),
            ArrowExpressionClauseSyntax { Parent: MethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax } arrow => ReturnsVoid(arrow.Parent!),
            AnonymousFunctionExpressionSyntax lambda => lambda.ExpressionBody == call,
            _ => false,
        };

    public static bool CanInsertBefore(StatementSyntax statement)
        => statement.Parent is BlockSyntax or SwitchSectionSyntax or LabeledStatementSyntax
            or IfStatementSyntax or ElseClauseSyntax or WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax
            or CommonForEachStatementSyntax or UsingStatementSyntax or LockStatementSyntax or FixedStatementSyntax
            or CheckedStatementSyntax or UnsafeStatementSyntax;

    /// <summary>Inserts <paramref name="toInsert"/> before the void call; false when <see cref="CanInsertBefore(ExpressionSyntax)"/> is.</summary>
    public static bool TryInsertBefore(FixEditor editor, ExpressionSyntax call, StatementSyntax toInsert)
    {
        if (!CanInsertBefore(call))
        {
            return false;
        }

        toInsert = toInsert.WithAdditionalAnnotations(Formatter.Annotation);
        switch (call.Parent)
        {
            case ExpressionStatementSyntax statement:
                InsertBefore(editor, statement, toInsert);
                return true;
            case ArrowExpressionClauseSyntax arrow:
                editor.ReplaceNode(arrow.Parent!, (current, _) => ToBlockBody(current, toInsert));
                return true;
            case AnonymousFunctionExpressionSyntax lambda:
                editor.ReplaceNode(lambda, (current, _) =>
                {
                    var function = (AnonymousFunctionExpressionSyntax)current;
                    var body = function.ExpressionBody!;
                    var block = SyntaxFactory.Block(toInsert, SyntaxFactory.ExpressionStatement(body.WithoutTrivia()))
                        .WithTriviaFrom(body).WithAdditionalAnnotations(Formatter.Annotation);
                    return function.WithExpressionBody(null).WithBlock(block);
                });
                return true;
            default:
                return false;
        }
    }

    /// <summary>Inserts <paramref name="toInsert"/> before <paramref name="statement"/> (which must pass <see cref="CanInsertBefore(StatementSyntax)"/>).</summary>
    public static void InsertBefore(FixEditor editor, StatementSyntax statement, StatementSyntax toInsert)
        => InsertBefore(editor, statement, new[] { toInsert });

    /// <summary>Inserts <paramref name="toInsert"/>, in order, before <paramref name="statement"/> (which must pass <see cref="CanInsertBefore(StatementSyntax)"/>).</summary>
    public static void InsertBefore(FixEditor editor, StatementSyntax statement, IReadOnlyList<StatementSyntax> toInsert)
    {
        var inserted = toInsert.Select(node => node.WithAdditionalAnnotations(Formatter.Annotation)).ToList();
        if (statement.Parent is BlockSyntax or SwitchSectionSyntax)
        {
            editor.InsertBefore(statement, inserted);
            return;
        }

        // An embedded statement becomes a block holding both, so both stay under the same condition or loop.
        // A trailing comment stays on the statement it describes; the line break after it moves after the brace.
        editor.ReplaceNode(statement, (current, _) =>
        {
            var trailing = current.GetTrailingTrivia();
            var lineBreak = trailing.Where(trivia => trivia.IsKind(SyntaxKind.EndOfLineTrivia)).Take(1);
            var keepsComment = trailing.Any(trivia => trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia));
            var inner = ((StatementSyntax)current).WithoutLeadingTrivia();
            return SyntaxFactory.Block(inserted.Append(keepsComment ? inner : inner.WithoutTrailingTrivia()))
                .WithLeadingTrivia(current.GetLeadingTrivia())
                .WithTrailingTrivia(keepsComment ? SyntaxFactory.TriviaList(lineBreak) : trailing)
                .WithAdditionalAnnotations(Formatter.Annotation);
        });
    }

    /// <summary>Appends <paramref name="toAppend"/> as the last statement of <paramref name="block"/>.</summary>
    public static void Append(FixEditor editor, BlockSyntax block, StatementSyntax toAppend)
    {
        toAppend = toAppend.WithAdditionalAnnotations(Formatter.Annotation);
        editor.ReplaceNode(block, (current, _) =>
        {
            var currentBlock = (BlockSyntax)current;
            return currentBlock.WithStatements(currentBlock.Statements.Add(toAppend));
        });
    }

    private static SyntaxNode ToBlockBody(SyntaxNode member, StatementSyntax toInsert)
    {
        switch (member)
        {
            case MethodDeclarationSyntax { ExpressionBody: { } body } method:
                return method.WithExpressionBody(null).WithSemicolonToken(default)
                    .WithBody(BodyOf(body, toInsert).WithTrailingTrivia(method.SemicolonToken.TrailingTrivia)).WithAdditionalAnnotations(Formatter.Annotation);
            case LocalFunctionStatementSyntax { ExpressionBody: { } body } function:
                return function.WithExpressionBody(null).WithSemicolonToken(default)
                    .WithBody(BodyOf(body, toInsert).WithTrailingTrivia(function.SemicolonToken.TrailingTrivia)).WithAdditionalAnnotations(Formatter.Annotation);
            case AccessorDeclarationSyntax { ExpressionBody: { } body } accessor:
                return accessor.WithExpressionBody(null).WithSemicolonToken(default)
                    .WithBody(BodyOf(body, toInsert).WithTrailingTrivia(accessor.SemicolonToken.TrailingTrivia)).WithAdditionalAnnotations(Formatter.Annotation);
            default:
                return member;
        }
    }

    private static BlockSyntax BodyOf(ArrowExpressionClauseSyntax arrow, StatementSyntax toInsert)
        => SyntaxFactory.Block(toInsert, SyntaxFactory.ExpressionStatement(arrow.Expression.WithoutTrivia()));

    private static bool ReturnsVoid(SyntaxNode member)
        => member switch
        {
            MethodDeclarationSyntax method => method.ReturnType is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword },
            LocalFunctionStatementSyntax function => function.ReturnType is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword },
            AccessorDeclarationSyntax accessor => accessor.Kind() is SyntaxKind.SetAccessorDeclaration or SyntaxKind.InitAccessorDeclaration
                or SyntaxKind.AddAccessorDeclaration or SyntaxKind.RemoveAccessorDeclaration,
            _ => false,
        };
}
