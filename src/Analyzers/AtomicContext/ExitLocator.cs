using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>A way out of a method: a return statement, or its end.</summary>
internal readonly struct MethodExit
{
    public MethodExit(SyntaxNode node, Location location, bool isEnd)
    {
        Node = node;
        Location = location;
        IsEnd = isEnd;
    }

    /// <summary>The return statement or returned expression, or the body whose end is reached (identity for grouping).</summary>
    public SyntaxNode Node { get; }

    /// <summary>Where to report: the return statement, or the closing brace.</summary>
    public Location Location { get; }

    public bool IsEnd { get; }

    public int Line => Location.GetLineSpan().StartLinePosition.Line + 1;
}

/// <summary>
/// Maps a control-flow branch into the exit block back to the source construct it came from. A
/// <c>return x;</c> keeps its value in the graph; a <c>return;</c> and the end of a body leave nothing,
/// so those are found from the syntax the branch leaves: the statement that runs next. When that is not
/// certain the answer is null, and callers must not report (a wrong exit would be a wrong diagnostic).
/// </summary>
internal static class ExitLocator
{
    public static MethodExit? Locate(ControlFlowBranch branch)
    {
        var source = branch.Source;
        if (branch.Semantics == ControlFlowBranchSemantics.Return)
        {
            return source.BranchValue is { } value ? ReturnOf(value.Syntax) : null;
        }

        if (branch.Semantics != ControlFlowBranchSemantics.Regular)
        {
            return null;
        }

        if (source.ConditionKind != ControlFlowConditionKind.None)
        {
            return source.BranchValue is { } condition ? AfterCondition(condition.Syntax) : null;
        }

        if (source.Operations.IsEmpty)
        {
            return null;
        }

        var last = source.Operations[source.Operations.Length - 1].Syntax;
        if (ExpressionBody(last) is { } body)
        {
            return new MethodExit(body, body.GetLocation(), isEnd: true);
        }

        var statement = last.FirstAncestorOrSelf<StatementSyntax>();
        return statement is ExpressionStatementSyntax or LocalDeclarationStatementSyntax
            && statement.Span.Contains(last.Span) && IsWholeStatement(last, statement)
            ? ExitLike(NextAfter(statement))
            : null;
    }

    private static bool IsWholeStatement(SyntaxNode node, StatementSyntax statement)
        => node == statement || (statement is ExpressionStatementSyntax expression && expression.Expression == node)
           || statement is LocalDeclarationStatementSyntax;

    private static MethodExit? ReturnOf(SyntaxNode value)
    {
        for (var node = value; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case ReturnStatementSyntax ret:
                    return new MethodExit(ret, ret.GetLocation(), isEnd: false);
                case ArrowExpressionClauseSyntax arrow:
                    return new MethodExit(arrow.Expression, arrow.Expression.GetLocation(), isEnd: false);
                case AnonymousFunctionExpressionSyntax when node == value:
                    // A returned lambda is the value of the enclosing return, not an exit of its own.
                    continue;
                case AnonymousFunctionExpressionSyntax { ExpressionBody: { } expression }:
                    return new MethodExit(expression, expression.GetLocation(), isEnd: false);
                case StatementSyntax or MemberDeclarationSyntax or AnonymousFunctionExpressionSyntax:
                    return null;
            }
        }

        return null;
    }

    /// <summary>The expression body (of a member or lambda) that <paramref name="node"/> is, if any.</summary>
    private static SyntaxNode? ExpressionBody(SyntaxNode node)
        => node.Parent switch
        {
            ArrowExpressionClauseSyntax arrow when arrow.Expression == node => node,
            AnonymousFunctionExpressionSyntax lambda when lambda.ExpressionBody == node => node,
            _ => null,
        };

    /// <summary>A conditional branch to the exit: the if whose condition this is must have exactly one exiting arm.</summary>
    private static MethodExit? AfterCondition(SyntaxNode condition)
    {
        var node = condition;
        while (node.Parent is ParenthesizedExpressionSyntax or BinaryExpressionSyntax or PrefixUnaryExpressionSyntax)
        {
            node = node.Parent;
        }

        if (node.Parent is not IfStatementSyntax ifStatement || ifStatement.Condition != node)
        {
            return null;
        }

        var whenTrue = ExitLike(FirstExecuted(ifStatement.Statement));
        var whenFalse = ExitLike(ifStatement.Else is { } elseClause ? FirstExecuted(elseClause.Statement) : NextAfter(ifStatement));
        if (whenTrue is { } a && whenFalse is { } b)
        {
            return a.Node == b.Node ? a : null;
        }

        return whenTrue ?? whenFalse;
    }

    private static MethodExit? ExitLike(Next next) => next.Exit;

    /// <summary>What runs first when <paramref name="statement"/> starts.</summary>
    private static Next FirstExecuted(StatementSyntax statement) => statement switch
    {
        BlockSyntax { Statements.Count: 0 } empty => NextAfterBlock(empty),
        BlockSyntax block => FirstExecuted(block.Statements[0]),
        ReturnStatementSyntax { Expression: null } ret => new Next(new MethodExit(ret, ret.GetLocation(), isEnd: false)),
        _ => default,
    };

    /// <summary>What runs after <paramref name="statement"/> completes normally.</summary>
    private static Next NextAfter(StatementSyntax statement)
    {
        switch (statement.Parent)
        {
            case BlockSyntax block:
                var index = block.Statements.IndexOf(statement);
                return index >= 0 && index + 1 < block.Statements.Count
                    ? FirstExecuted(block.Statements[index + 1])
                    : NextAfterBlock(block);
            case IfStatementSyntax parentIf:
                return NextAfter(parentIf);
            case ElseClauseSyntax { Parent: IfStatementSyntax elseIf }:
                return NextAfter(elseIf);
            case UsingStatementSyntax or LockStatementSyntax or FixedStatementSyntax or CheckedStatementSyntax or UnsafeStatementSyntax or LabeledStatementSyntax:
                return NextAfter((StatementSyntax)statement.Parent);
            default:
                return default;
        }
    }

    private static Next NextAfterBlock(BlockSyntax block)
    {
        switch (block.Parent)
        {
            case BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax:
                return new Next(new MethodExit(block, block.CloseBraceToken.GetLocation(), isEnd: true));
            case TryStatementSyntax tryStatement when tryStatement.Block == block:
                return NextAfter(tryStatement);
            case CatchClauseSyntax { Parent: TryStatementSyntax catchTry }:
                return NextAfter(catchTry);
            case StatementSyntax parent and not (TryStatementSyntax or WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax
                or ForEachStatementSyntax or ForEachVariableStatementSyntax or SwitchStatementSyntax):
                return parent is BlockSyntax or IfStatementSyntax or UsingStatementSyntax or LockStatementSyntax or FixedStatementSyntax
                    or CheckedStatementSyntax or UnsafeStatementSyntax or LabeledStatementSyntax
                    ? (parent is BlockSyntax ? NextAfter(block) : NextAfter(parent))
                    : default;
            case ElseClauseSyntax { Parent: IfStatementSyntax elseIf }:
                return NextAfter(elseIf);
            default:
                return default;
        }
    }

    /// <summary>A statement that runs next: an exit, or something else (default).</summary>
    private readonly struct Next
    {
        public Next(MethodExit exit) => Exit = exit;

        public MethodExit? Exit { get; }
    }
}
