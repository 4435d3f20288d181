using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>
/// The locals that hold the same page as a given local or parameter, in one function: copies
/// (<c>var q = page;</c>, <c>q = (Page)page;</c>), variables bound by patterns on it (<c>page is { } q</c>,
/// <c>page is Page q</c>, <c>case Page q:</c>, a switch expression arm <c>{ } q =&gt; ...</c>), and values chosen
/// between those and null (<c>var x = page switch { { } q =&gt; q, _ =&gt; null };</c>), transitively. A fix that
/// must clear the page's tag before its frees needs the frees of every alias, or the page is freed uncleared.
/// </summary>
internal static class PageAliases
{
    /// <summary><paramref name="page"/> and every local that aliases it in <paramref name="scope"/>.</summary>
    public static HashSet<ISymbol> Of(ISymbol page, SyntaxNode scope, SemanticModel model, CancellationToken cancellationToken)
    {
        // Edges "source flows into target", collected once; then a breadth-first walk from the page.
        var edges = new Dictionary<ISymbol, List<ISymbol>>(SymbolEqualityComparer.Default);
        foreach (var node in scope.DescendantNodes())
        {
            switch (node)
            {
                case VariableDeclaratorSyntax { Initializer.Value: var value } declarator:
                    AddEdges(edges, Sources(value, model, cancellationToken), model.GetDeclaredSymbol(declarator, cancellationToken));
                    break;
                case AssignmentExpressionSyntax assignment when assignment.IsKind(SyntaxKind.SimpleAssignmentExpression):
                    AddEdges(edges, Sources(assignment.Right, model, cancellationToken), VariableOf(assignment.Left, model, cancellationToken));
                    AddDeconstructionEdges(edges, assignment, model, cancellationToken);
                    break;
                case IsPatternExpressionSyntax isPattern:
                    AddPatternEdges(edges, isPattern.Expression, isPattern.Pattern, model, cancellationToken);
                    break;
                case SwitchStatementSyntax switchStatement:
                    foreach (var section in switchStatement.Sections)
                    {
                        foreach (var label in section.Labels)
                        {
                            if (label is CasePatternSwitchLabelSyntax patternLabel)
                            {
                                AddPatternEdges(edges, switchStatement.Expression, patternLabel.Pattern, model, cancellationToken);
                            }
                        }
                    }

                    break;
                case SwitchExpressionSyntax switchExpression:
                    foreach (var arm in switchExpression.Arms)
                    {
                        AddPatternEdges(edges, switchExpression.GoverningExpression, arm.Pattern, model, cancellationToken);
                    }

                    break;
            }
        }

        var aliases = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { page };
        var pending = new Queue<ISymbol>();
        pending.Enqueue(page);
        while (pending.Count > 0)
        {
            if (!edges.TryGetValue(pending.Dequeue(), out var targets))
            {
                continue;
            }

            foreach (var target in targets)
            {
                if (aliases.Add(target))
                {
                    pending.Enqueue(target);
                }
            }
        }

        return aliases;
    }

    /// <summary>The local or parameter an expression reads, through parentheses, <c>!</c>, casts and <c>as</c>.</summary>
    public static ISymbol? VariableOf(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
    {
        var current = Unwrap(expression);
        return current is IdentifierNameSyntax && model.GetSymbolInfo(current, cancellationToken).Symbol is ILocalSymbol or IParameterSymbol
            ? model.GetSymbolInfo(current, cancellationToken).Symbol
            : null;
    }

    /// <summary>The expression inside parentheses, <c>!</c>, casts and <c>as</c>.</summary>
    private static ExpressionSyntax Unwrap(ExpressionSyntax expression)
    {
        var current = FixTargets.Unwrap(expression);
        while (true)
        {
            switch (current)
            {
                case CastExpressionSyntax cast:
                    current = FixTargets.Unwrap(cast.Expression);
                    break;
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AsExpression):
                    current = FixTargets.Unwrap(binary.Left);
                    break;
                default:
                    return current;
            }
        }
    }

    /// <summary>
    /// The variable a value is: the variable itself, or the one variable the arms of a <c>?:</c> or switch expression
    /// give when their other arms are null or default (a choice between two variables is no alias of either). Empty
    /// when unknown.
    /// </summary>
    private static List<ISymbol> Sources(ExpressionSyntax value, SemanticModel model, CancellationToken cancellationToken)
    {
        var sources = new List<ISymbol>();
        var pending = new Stack<ExpressionSyntax>();
        pending.Push(value);
        while (pending.Count > 0)
        {
            var current = Unwrap(pending.Pop());
            switch (current)
            {
                case ConditionalExpressionSyntax conditional:
                    pending.Push(conditional.WhenTrue);
                    pending.Push(conditional.WhenFalse);
                    break;
                case SwitchExpressionSyntax switchExpression:
                    foreach (var arm in switchExpression.Arms)
                    {
                        pending.Push(arm.Expression);
                    }

                    break;
                case LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression or (int)SyntaxKind.DefaultLiteralExpression }:
                case DefaultExpressionSyntax:
                    break;
                default:
                    if (VariableOf(current, model, cancellationToken) is not { } variable)
                    {
                        return new List<ISymbol>();
                    }

                    sources.Add(variable);
                    break;
            }
        }

        // `c ? q : other` may be either page: no alias of one of them.
        return sources.Distinct(SymbolEqualityComparer.Default).Count() == 1 ? sources.GetRange(0, 1) : new List<ISymbol>();
    }

    /// <summary>Every variable the pattern declares at its top level (not in property sub-patterns), bound to the tested value.</summary>
    private static void AddPatternEdges(Dictionary<ISymbol, List<ISymbol>> edges, ExpressionSyntax tested, PatternSyntax pattern, SemanticModel model, CancellationToken cancellationToken)
    {
        if (VariableOf(tested, model, cancellationToken) is not { } source)
        {
            return;
        }

        var pending = new Stack<PatternSyntax>();
        pending.Push(pattern);
        while (pending.Count > 0)
        {
            VariableDesignationSyntax? designation = null;
            switch (pending.Pop())
            {
                case DeclarationPatternSyntax declaration:
                    designation = declaration.Designation;
                    break;
                case RecursivePatternSyntax recursive:
                    designation = recursive.Designation;
                    break;
                case VarPatternSyntax var:
                    designation = var.Designation;
                    break;
                case BinaryPatternSyntax binary when binary.IsKind(SyntaxKind.AndPattern):
                    pending.Push(binary.Left);
                    pending.Push(binary.Right);
                    break;
                case ParenthesizedPatternSyntax parenthesized:
                    pending.Push(parenthesized.Pattern);
                    break;
            }

            if (designation is SingleVariableDesignationSyntax single)
            {
                AddEdges(edges, new List<ISymbol> { source }, model.GetDeclaredSymbol(single, cancellationToken));
            }
        }
    }

    /// <summary><c>var (q, n) = (page, 1);</c> and <c>(q, n) = (page, 1);</c>: each element flows into its own variable.</summary>
    private static void AddDeconstructionEdges(Dictionary<ISymbol, List<ISymbol>> edges, AssignmentExpressionSyntax assignment, SemanticModel model, CancellationToken cancellationToken)
    {
        var pending = new Stack<(SyntaxNode Target, ExpressionSyntax Value)>();
        pending.Push((assignment.Left, assignment.Right));
        while (pending.Count > 0)
        {
            var (target, value) = pending.Pop();
            if (Unwrap(value) is not TupleExpressionSyntax tuple)
            {
                continue;
            }

            var targets = target switch
            {
                TupleExpressionSyntax left => left.Arguments.Select(argument => (SyntaxNode)argument.Expression).ToList(),
                DeclarationExpressionSyntax { Designation: ParenthesizedVariableDesignationSyntax designations } => designations.Variables.Select(variable => (SyntaxNode)variable).ToList(),
                ParenthesizedVariableDesignationSyntax designations => designations.Variables.Select(variable => (SyntaxNode)variable).ToList(),
                _ => null,
            };
            if (targets is null || targets.Count != tuple.Arguments.Count)
            {
                continue;
            }

            for (var i = 0; i < targets.Count; i++)
            {
                var element = tuple.Arguments[i].Expression;
                switch (targets[i])
                {
                    case SingleVariableDesignationSyntax single:
                        AddEdges(edges, Sources(element, model, cancellationToken), model.GetDeclaredSymbol(single, cancellationToken));
                        break;
                    case DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax single }:
                        AddEdges(edges, Sources(element, model, cancellationToken), model.GetDeclaredSymbol(single, cancellationToken));
                        break;
                    case ExpressionSyntax variable when variable is not (TupleExpressionSyntax or DeclarationExpressionSyntax):
                        AddEdges(edges, Sources(element, model, cancellationToken), VariableOf(variable, model, cancellationToken));
                        break;
                    default:
                        pending.Push((targets[i], element));
                        break;
                }
            }
        }
    }

    private static void AddEdges(Dictionary<ISymbol, List<ISymbol>> edges, List<ISymbol> sources, ISymbol? target)
    {
        if (target is not (ILocalSymbol or IParameterSymbol))
        {
            return;
        }

        foreach (var source in sources)
        {
            if (!edges.TryGetValue(source, out var targets))
            {
                edges[source] = targets = new List<ISymbol>();
            }

            targets.Add(target);
        }
    }
}
