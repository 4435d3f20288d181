using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using GfpAnalyzers.Analyzers.Symbols;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>Finds, from a diagnostic's location, the syntax a fix edits.</summary>
internal static class FixTargets
{
    /// <summary>The innermost node whose span is the diagnostic's span (the flags expression rather than its argument).</summary>
    public static SyntaxNode? NodeAt(SyntaxNode root, TextSpan span)
        => root.FullSpan.Contains(span) ? root.FindNode(span, getInnermostNodeForTie: true) : null;

    /// <summary>
    /// The allocation whose flags argument is (or contains, or is) <paramref name="node"/>: the analyzers report
    /// GFP001/2/3/5/7 on the flags expression, but a fix also accepts the argument or the invocation itself.
    /// Null unless it binds to <c>AllocPage</c>/<c>AllocPages</c> and the flags argument is present.
    /// </summary>
    public static FlagsArgument? FlagsArgumentAt(SyntaxNode node, SemanticModel model, RuntimeSymbols symbols, System.Threading.CancellationToken cancellationToken)
    {
        // The flags expression may itself be a call (`AllocPage(NextFlags())`): look for the argument first.
        for (var current = node; current is not null and not StatementSyntax and not MemberDeclarationSyntax; current = current.Parent)
        {
            if (current is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax owner } }
                && FlagsArgumentOf(owner, model, symbols, cancellationToken) is { } flags
                && flags.Argument == current)
            {
                return flags;
            }
        }

        return node is InvocationExpressionSyntax invocation ? FlagsArgumentOf(invocation, model, symbols, cancellationToken) : null;
    }

    /// <summary>The flags argument of <paramref name="invocation"/> when it binds to an allocation.</summary>
    private static FlagsArgument? FlagsArgumentOf(InvocationExpressionSyntax invocation, SemanticModel model, RuntimeSymbols symbols, System.Threading.CancellationToken cancellationToken)
    {
        if (model.GetOperation(invocation, cancellationToken) is not Microsoft.CodeAnalysis.Operations.IInvocationOperation operation
            || !symbols.IsAllocation(operation.TargetMethod))
        {
            return null;
        }

        var argument = symbols.FlagsArgument(operation);
        if (argument?.Syntax is not ArgumentSyntax argumentSyntax || argumentSyntax.Expression.IsMissing || argumentSyntax.Expression.ContainsDiagnostics)
        {
            return null;
        }

        return new FlagsArgument(invocation, argumentSyntax);
    }

    /// <summary>The invocation at <paramref name="node"/> (the node itself, or the one the statement or argument belongs to).</summary>
    public static InvocationExpressionSyntax? InvocationAt(SyntaxNode node)
        => node switch
        {
            InvocationExpressionSyntax invocation => invocation,
            ExpressionStatementSyntax { Expression: InvocationExpressionSyntax invocation } => invocation,
            ConditionalAccessExpressionSyntax { WhenNotNull: InvocationExpressionSyntax invocation } => invocation,
            ExpressionStatementSyntax { Expression: ConditionalAccessExpressionSyntax { WhenNotNull: InvocationExpressionSyntax invocation } } => invocation,
            _ => node.FirstAncestorOrSelf<InvocationExpressionSyntax>(),
        };

    /// <summary>The method, accessor, local function or lambda whose body holds <paramref name="node"/>.</summary>
    public static SyntaxNode? EnclosingFunction(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case BaseMethodDeclarationSyntax:
                case AccessorDeclarationSyntax:
                case LocalFunctionStatementSyntax:
                case AnonymousFunctionExpressionSyntax:
                case PropertyDeclarationSyntax { ExpressionBody: not null }:
                case IndexerDeclarationSyntax { ExpressionBody: not null }:
                    return current;
                case TypeDeclarationSyntax:
                case CompilationUnitSyntax:
                    return current is CompilationUnitSyntax ? current : null;
            }
        }

        return null;
    }

    /// <summary>The expression without parentheses and null-forgiving operators around it.</summary>
    public static ExpressionSyntax Unwrap(ExpressionSyntax expression)
    {
        while (true)
        {
            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    expression = parenthesized.Expression;
                    break;
                case PostfixUnaryExpressionSyntax postfix when postfix.IsKind(SyntaxKind.SuppressNullableWarningExpression):
                    expression = postfix.Operand;
                    break;
                default:
                    return expression;
            }
        }
    }
}

/// <summary>An allocation and its flags argument.</summary>
internal sealed class FlagsArgument
{
    public FlagsArgument(InvocationExpressionSyntax allocation, ArgumentSyntax argument)
    {
        Allocation = allocation;
        Argument = argument;
    }

    public InvocationExpressionSyntax Allocation { get; }

    public ArgumentSyntax Argument { get; }

    public ExpressionSyntax Expression => Argument.Expression;
}
