using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>Builds and takes apart flag expressions (<c>a | b</c>, <c>x &amp; ~m</c>) with the spacing people write.</summary>
internal static class FlagExpressions
{
    private const int OrPrecedence = 30;
    private const int AndPrecedence = 40;
    private const int UnaryPrecedence = 90;

    /// <summary><c>left | right</c>; the left side's trailing trivia (a comment, a line break) moves after the result.</summary>
    public static ExpressionSyntax OrOf(ExpressionSyntax left, ExpressionSyntax right)
        => Binary(SyntaxKind.BitwiseOrExpression, SyntaxKind.BarToken, left, right, OrPrecedence);

    /// <summary><c>left &amp; right</c>.</summary>
    public static ExpressionSyntax AndOf(ExpressionSyntax left, ExpressionSyntax right)
        => Binary(SyntaxKind.BitwiseAndExpression, SyntaxKind.AmpersandToken, left, right, AndPrecedence);

    /// <summary><c>~operand</c>, parenthesizing a compound operand.</summary>
    public static ExpressionSyntax Not(ExpressionSyntax operand)
        => SyntaxFactory.PrefixUnaryExpression(SyntaxKind.BitwiseNotExpression, Parenthesize(operand, UnaryPrecedence + 1));

    /// <summary>The operands of a top-level <c>|</c> chain, left to right (the expression itself when it is not one).</summary>
    public static List<ExpressionSyntax> OrOperands(ExpressionSyntax expression)
    {
        // An explicit stack, right side pushed first: chains of any length cost no call-stack depth.
        var operands = new List<ExpressionSyntax>();
        var pending = new Stack<ExpressionSyntax>();
        pending.Push(expression);
        while (pending.Count > 0)
        {
            var next = pending.Pop();
            if (next is BinaryExpressionSyntax binary && binary.IsKind(SyntaxKind.BitwiseOrExpression))
            {
                pending.Push(binary.Right);
                pending.Push(binary.Left);
            }
            else
            {
                operands.Add(next);
            }
        }

        return operands;
    }

    /// <summary>
    /// Where an operand of a <c>|</c> chain sits: <paramref name="operand"/> (or the parentheses around it) is one
    /// side of <c>a | b</c>, and removing it means replacing that binary expression with its other side.
    /// </summary>
    public static bool TryGetRemoval(ExpressionSyntax operand, out ExpressionSyntax replaced, out ExpressionSyntax replacement)
    {
        var node = operand;
        while (node.Parent is ParenthesizedExpressionSyntax parenthesized)
        {
            node = parenthesized;
        }

        if (node.Parent is BinaryExpressionSyntax binary && binary.IsKind(SyntaxKind.BitwiseOrExpression))
        {
            replaced = binary;
            replacement = binary.Left == node
                ? binary.Right.WithLeadingTrivia(binary.Left.GetLeadingTrivia()).WithTrailingTrivia(binary.GetTrailingTrivia())
                : binary.Left.WithTrailingTrivia(binary.GetTrailingTrivia());
            return true;
        }

        replaced = operand;
        replacement = operand;
        return false;
    }

    /// <summary>Adds parentheses when <paramref name="expression"/> binds more loosely than an operand at <paramref name="minimum"/> must.</summary>
    public static ExpressionSyntax Parenthesize(ExpressionSyntax expression, int minimum)
        => Precedence(expression) >= minimum
            ? expression
            : SyntaxFactory.ParenthesizedExpression(expression.WithoutTrivia()).WithTriviaFrom(expression);

    /// <summary>The operand precedence of <c>|</c>'s right side: anything binding at least as tightly as <c>^</c>.</summary>
    public static ExpressionSyntax AsOrOperand(ExpressionSyntax expression) => Parenthesize(expression, OrPrecedence);

    private static ExpressionSyntax Binary(SyntaxKind kind, SyntaxKind operatorKind, ExpressionSyntax left, ExpressionSyntax right, int precedence)
    {
        // Left-associative: the left side may be the same operator, the right side must bind more tightly.
        var trailing = left.GetTrailingTrivia();
        var leftOperand = Parenthesize(left.WithoutTrailingTrivia(), precedence);
        var rightOperand = Parenthesize(right.WithoutTrivia(), precedence + 1);
        var token = SyntaxFactory.Token(SyntaxFactory.TriviaList(SyntaxFactory.Space), operatorKind, SyntaxFactory.TriviaList(SyntaxFactory.Space));
        return SyntaxFactory.BinaryExpression(kind, leftOperand, token, rightOperand).WithTrailingTrivia(trailing);
    }

    private static int Precedence(ExpressionSyntax expression)
    {
        switch (expression.Kind())
        {
            case SyntaxKind.IdentifierName:
            case SyntaxKind.GenericName:
            case SyntaxKind.QualifiedName:
            case SyntaxKind.AliasQualifiedName:
            case SyntaxKind.SimpleMemberAccessExpression:
            case SyntaxKind.PointerMemberAccessExpression:
            case SyntaxKind.InvocationExpression:
            case SyntaxKind.ElementAccessExpression:
            case SyntaxKind.ConditionalAccessExpression:
            case SyntaxKind.ParenthesizedExpression:
            case SyntaxKind.NumericLiteralExpression:
            case SyntaxKind.DefaultLiteralExpression:
            case SyntaxKind.DefaultExpression:
            case SyntaxKind.ThisExpression:
            case SyntaxKind.BaseExpression:
            case SyntaxKind.PostIncrementExpression:
            case SyntaxKind.PostDecrementExpression:
            case SyntaxKind.SuppressNullableWarningExpression:
            case SyntaxKind.ObjectCreationExpression:
            case SyntaxKind.ImplicitObjectCreationExpression:
            case SyntaxKind.CheckedExpression:
            case SyntaxKind.UncheckedExpression:
                return 100;
            case SyntaxKind.BitwiseNotExpression:
            case SyntaxKind.UnaryMinusExpression:
            case SyntaxKind.UnaryPlusExpression:
            case SyntaxKind.LogicalNotExpression:
            case SyntaxKind.PreIncrementExpression:
            case SyntaxKind.PreDecrementExpression:
            case SyntaxKind.CastExpression:
                return UnaryPrecedence;
            case SyntaxKind.MultiplyExpression:
            case SyntaxKind.DivideExpression:
            case SyntaxKind.ModuloExpression:
                return 80;
            case SyntaxKind.AddExpression:
            case SyntaxKind.SubtractExpression:
                return 70;
            case SyntaxKind.LeftShiftExpression:
            case SyntaxKind.RightShiftExpression:
            case SyntaxKind.UnsignedRightShiftExpression:
                return 60;
            case SyntaxKind.BitwiseAndExpression:
                return AndPrecedence;
            case SyntaxKind.ExclusiveOrExpression:
                return 35;
            case SyntaxKind.BitwiseOrExpression:
                return OrPrecedence;
            default:
                // Switch expressions, conditionals, coalescing, assignments, lambdas: always parenthesized.
                return 0;
        }
    }
}
