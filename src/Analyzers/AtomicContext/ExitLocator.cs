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

    /// <summary>A conditional branch to the exit: the if or loop whose condition this is must have exactly one exiting arm.</summary>
    private static MethodExit? AfterCondition(SyntaxNode condition)
    {
        var node = condition;
        while (node.Parent is ParenthesizedExpressionSyntax or BinaryExpressionSyntax or PrefixUnaryExpressionSyntax)
        {
            node = node.Parent;
        }

        // The two ways on: into the statement the condition guards, or past it. A loop's condition, once false, goes on
        // after the loop (a loop that is the method's last statement leaves through its end); once true, into its body.
        MethodExit? whenTrue, whenFalse;
        switch (node.Parent)
        {
            case IfStatementSyntax ifStatement when ifStatement.Condition == node:
                whenTrue = ExitLike(FirstExecuted(ifStatement.Statement));
                whenFalse = ExitLike(ifStatement.Else is { } elseClause ? FirstExecuted(elseClause.Statement) : NextAfter(ifStatement));
                break;
            case WhileStatementSyntax loop when loop.Condition == node:
                whenTrue = ExitLike(FirstExecuted(loop.Statement));
                whenFalse = ExitLike(NextAfter(loop));
                break;
            case DoStatementSyntax loop when loop.Condition == node:
                whenTrue = ExitLike(FirstExecuted(loop.Statement));
                whenFalse = ExitLike(NextAfter(loop));
                break;
            case ForStatementSyntax loop when loop.Condition == node:
                whenTrue = ExitLike(FirstExecuted(loop.Statement));
                whenFalse = ExitLike(NextAfter(loop));
                break;
            default:
                return null;
        }

        if (whenTrue is { } a && whenFalse is { } b)
        {
            return a.Node == b.Node ? a : null;
        }

        return whenTrue ?? whenFalse;
    }

    private static MethodExit? ExitLike(Next next) => next.Exit;

    /// <summary>
    /// The exit reached right after <paramref name="statement"/> completes normally (the function's end, or a
    /// <c>return;</c> that runs next), or null when something else runs next or it is not certain.
    /// </summary>
    internal static MethodExit? ExitAfter(StatementSyntax statement) => NextAfter(statement).Exit;

    /// <summary>What runs first when <paramref name="statement"/> starts.</summary>
    private static Next FirstExecuted(StatementSyntax statement) => Walk(Step.FirstExecuted, statement);

    /// <summary>What runs after <paramref name="statement"/> completes normally.</summary>
    private static Next NextAfter(StatementSyntax statement) => Walk(Step.NextAfter, statement);

    /// <summary>The three questions <see cref="Walk"/> moves between: each answers or asks another about a node nearby.</summary>
    private enum Step
    {
        /// <summary>What runs first when the statement starts.</summary>
        FirstExecuted,

        /// <summary>What runs after the statement completes normally.</summary>
        NextAfter,

        /// <summary>What runs after the block's last statement (or the empty block) completes.</summary>
        NextAfterBlock,
    }

    /// <summary>
    /// Answers a <see cref="Step"/> about <paramref name="node"/>, in a loop: each step either answers or hands a
    /// step about a neighbouring node (a first statement, a next sibling, the enclosing statement) to the next turn,
    /// so blocks and ifs nested thousands deep cost no stack. Every hand-off moves down into the first statement, to
    /// a later sibling, or up to the parent, never back: the walk ends.
    /// </summary>
    private static Next Walk(Step step, SyntaxNode node)
    {
        while (true)
        {
            switch (step)
            {
                case Step.FirstExecuted:
                    switch (node)
                    {
                        case BlockSyntax { Statements.Count: 0 }:
                            step = Step.NextAfterBlock;
                            continue;
                        case BlockSyntax block:
                            node = block.Statements[0];
                            continue;
                        case ReturnStatementSyntax { Expression: null } ret:
                            return new Next(new MethodExit(ret, ret.GetLocation(), isEnd: false));
                        default:
                            return default;
                    }

                case Step.NextAfter:
                    switch (node.Parent)
                    {
                        case BlockSyntax block:
                            var index = block.Statements.IndexOf((StatementSyntax)node);
                            if (index >= 0 && index + 1 < block.Statements.Count)
                            {
                                step = Step.FirstExecuted;
                                node = block.Statements[index + 1];
                            }
                            else
                            {
                                step = Step.NextAfterBlock;
                                node = block;
                            }

                            continue;
                        case IfStatementSyntax parentIf:
                            node = parentIf;
                            continue;
                        case ElseClauseSyntax { Parent: IfStatementSyntax elseIf }:
                            node = elseIf;
                            continue;
                        case UsingStatementSyntax or LockStatementSyntax or FixedStatementSyntax or CheckedStatementSyntax or UnsafeStatementSyntax or LabeledStatementSyntax:
                            node = node.Parent;
                            continue;
                        default:
                            return default;
                    }

                default:
                    var ended = (BlockSyntax)node;
                    switch (ended.Parent)
                    {
                        case BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax:
                            return new Next(new MethodExit(ended, ended.CloseBraceToken.GetLocation(), isEnd: true));
                        case TryStatementSyntax tryStatement when tryStatement.Block == ended:
                            step = Step.NextAfter;
                            node = tryStatement;
                            continue;
                        case CatchClauseSyntax { Parent: TryStatementSyntax catchTry }:
                            step = Step.NextAfter;
                            node = catchTry;
                            continue;
                        case BlockSyntax:
                            // The block is a statement of its enclosing block: what follows it there.
                            step = Step.NextAfter;
                            continue;
                        case IfStatementSyntax or UsingStatementSyntax or LockStatementSyntax or FixedStatementSyntax
                            or CheckedStatementSyntax or UnsafeStatementSyntax or LabeledStatementSyntax:
                            step = Step.NextAfter;
                            node = ended.Parent;
                            continue;
                        case ElseClauseSyntax { Parent: IfStatementSyntax elseIf }:
                            step = Step.NextAfter;
                            node = elseIf;
                            continue;
                        default:
                            // Loops, switch sections, finally: what runs next is not the syntax that follows.
                            return default;
                    }
            }
        }
    }

    /// <summary>A statement that runs next: an exit, or something else (default).</summary>
    private readonly struct Next
    {
        public Next(MethodExit exit) => Exit = exit;

        public MethodExit? Exit { get; }
    }
}
