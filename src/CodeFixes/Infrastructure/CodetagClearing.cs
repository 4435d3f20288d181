using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>
/// Inserts <c>&lt;allocator&gt;.ClearPageTagRef(&lt;page&gt;);</c> before frees: the receiver and the page
/// expression are copied from the free itself, so the clear reaches the same allocator and the same page.
/// Both are copied only when re-evaluating them cannot change anything (names, member accesses, indexing by
/// names or constants); otherwise the fix is not offered.
/// </summary>
internal static class CodetagClearing
{
    /// <summary>A free call: the whole call expression (for <c>a?.FreePage(p)</c> the conditional access), its receiver and page argument.</summary>
    internal sealed class Free
    {
        public Free(ExpressionSyntax call, ExpressionSyntax? receiver, bool conditional, ExpressionSyntax page)
        {
            Call = call;
            Receiver = receiver;
            Conditional = conditional;
            Page = page;
        }

        public ExpressionSyntax Call { get; }
        public ExpressionSyntax? Receiver { get; }
        public bool Conditional { get; }
        public ExpressionSyntax Page { get; }
    }

    /// <summary>The free at <paramref name="invocation"/>, when it binds to FreePage/FreePages and has a page argument.</summary>
    public static Free? AsFree(InvocationExpressionSyntax invocation, SemanticModel model, RuntimeSymbols symbols, CancellationToken cancellationToken)
    {
        if (model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation || !symbols.IsFree(operation.TargetMethod)
            || operation.TargetMethod.Parameters.IsEmpty)
        {
            return null;
        }

        // The page is the first parameter: passed by name, or as the first positional argument.
        var arguments = invocation.ArgumentList.Arguments;
        var pageArgument = arguments.FirstOrDefault(argument => argument.NameColon?.Name.Identifier.ValueText == operation.TargetMethod.Parameters[0].Name)
            ?? arguments.FirstOrDefault(argument => argument.NameColon is null);
        if (pageArgument is not { Expression: { IsMissing: false } page })
        {
            return null;
        }

        switch (invocation.Expression)
        {
            case MemberAccessExpressionSyntax access:
                return new Free(invocation, access.Expression, conditional: false, page);
            case IdentifierNameSyntax:
                return new Free(invocation, receiver: null, conditional: false, page);
            case MemberBindingExpressionSyntax when invocation.Parent is ConditionalAccessExpressionSyntax conditional && conditional.WhenNotNull == invocation:
                return new Free(conditional, conditional.Expression, conditional: true, page);
            default:
                return null;
        }
    }

    /// <summary>Whether a clear can be inserted before <paramref name="free"/> without evaluating anything twice that could differ.</summary>
    public static bool CanClearBefore(Free free)
        => StatementInsertion.CanInsertBefore(free.Call)
            && (free.Receiver is null || IsStable(free.Receiver))
            && IsStable(free.Page);

    /// <summary>The free is already the statement right after a clear of the same page (so a second fix adds nothing).</summary>
    public static bool IsPrecededByClear(Free free)
    {
        if (free.Call.Parent is not ExpressionStatementSyntax statement)
        {
            return false;
        }

        var siblings = statement.Parent switch
        {
            BlockSyntax block => block.Statements,
            SwitchSectionSyntax section => section.Statements,
            _ => default,
        };
        var index = siblings.IndexOf(statement);
        if (index <= 0 || siblings[index - 1] is not ExpressionStatementSyntax previous)
        {
            return false;
        }

        var call = previous.Expression is ConditionalAccessExpressionSyntax conditional ? conditional.WhenNotNull : previous.Expression;
        return call is InvocationExpressionSyntax { ArgumentList.Arguments: { Count: 1 } arguments } invocation
            && invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ClearPageTagRef" }
                or MemberBindingExpressionSyntax { Name.Identifier.ValueText: "ClearPageTagRef" }
                or IdentifierNameSyntax { Identifier.ValueText: "ClearPageTagRef" }
            && Compact(FixTargets.Unwrap(arguments[0].Expression)) == Compact(FixTargets.Unwrap(free.Page));
    }

    /// <summary>Inserts the clear before <paramref name="free"/> unless one is already there.</summary>
    public static bool TryInsertClearBefore(FixEditor editor, Free free)
    {
        if (IsPrecededByClear(free))
        {
            return true;
        }

        if (free.Conditional)
        {
            return CanClearBefore(free) && TryGuardConditionalFree(editor, free);
        }

        return CanClearBefore(free) && StatementInsertion.TryInsertBefore(editor, free.Call, ClearFor(free));
    }

    /// <summary>
    /// <c>a?.FreePage(p);</c> becomes <c>if (a != null) { a.ClearPageTagRef(p); a.FreePage(p); }</c>: a separate
    /// <c>a?.ClearPageTagRef(p);</c> would leave the analysis a path where the clear was skipped and the free was not
    /// (it does not correlate the two null tests), so the warning would stay. Only for a whole statement.
    /// </summary>
    private static bool TryGuardConditionalFree(FixEditor editor, Free free)
    {
        if (free.Call is not ConditionalAccessExpressionSyntax { WhenNotNull: InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding } invocation }
            || free.Call.Parent is not ExpressionStatementSyntax statement
            || free.Receiver is null)
        {
            return false;
        }

        var receiver = free.Receiver.WithoutTrivia();
        var unconditionalFree = SyntaxFactory.ExpressionStatement(SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, binding.Name), invocation.ArgumentList));
        var clear = SyntaxFactory.ExpressionStatement(SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName("ClearPageTagRef")),
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(free.Page.WithoutTrivia())))));
        StatementSyntax guarded = SyntaxFactory.IfStatement(
            SyntaxFactory.BinaryExpression(SyntaxKind.NotEqualsExpression, receiver, SyntaxFactory.LiteralExpression(SyntaxKind.NullLiteralExpression)),
            SyntaxFactory.Block(clear, unconditionalFree.WithTrailingTrivia(statement.GetTrailingTrivia())));

        // An embedded statement (`if (x) a?.FreePage(p); else ...`) gets braces, so no `else` can attach to the new if.
        if (statement.Parent is not (BlockSyntax or SwitchSectionSyntax))
        {
            guarded = SyntaxFactory.Block(guarded);
        }

        editor.ReplaceNode(statement, guarded.WithLeadingTrivia(statement.GetLeadingTrivia()).WithAdditionalAnnotations(Microsoft.CodeAnalysis.Formatting.Formatter.Annotation));
        return true;
    }

    /// <summary>
    /// The frees, in the function holding <paramref name="allocation"/>, of the page the allocation is stored in:
    /// a local (declared with it, assigned from it, or bound by <c>is {} page</c>, and every alias of that local, see
    /// <see cref="PageAliases"/>) or a field/property written with it. Empty when the page is not stored (returned,
    /// passed on): this method has no free to protect.
    /// </summary>
    public static List<Free> FreesOfAllocatedPage(InvocationExpressionSyntax allocation, SemanticModel model, RuntimeSymbols symbols, CancellationToken cancellationToken)
    {
        var frees = new List<Free>();
        if (!TryGetStorage(allocation, model, cancellationToken, out var storage, out var storageExpression)
            || FixTargets.EnclosingFunction(allocation) is not { } function)
        {
            return frees;
        }

        // Where the page lives in a local, any free of that local in this function (lambdas included) is of this page.
        // Where it lives in a field, only frees in this function written the same way are known to be of it.
        // A local's page is also freed through its aliases (`var q = page;`, `page is { } q`): their frees need a clear too.
        var isVariable = storage is ILocalSymbol or IParameterSymbol;
        var scope = isVariable ? OutermostFunction(function) : function;
        var aliases = isVariable ? PageAliases.Of(storage, scope, model, cancellationToken) : null;
        foreach (var invocation in scope.DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            if (AsFree(invocation, model, symbols, cancellationToken) is not { } free)
            {
                continue;
            }

            if (aliases is not null)
            {
                if (PageAliases.VariableOf(free.Page, model, cancellationToken) is { } variable && aliases.Contains(variable))
                {
                    frees.Add(free);
                }

                continue;
            }

            var page = FixTargets.Unwrap(free.Page);
            if (SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(page, cancellationToken).Symbol, storage)
                && (storageExpression is null || WithoutThis(page) == WithoutThis(storageExpression)))
            {
                frees.Add(free);
            }
        }

        return frees;
    }

    private static StatementSyntax ClearFor(Free free)
    {
        var name = SyntaxFactory.IdentifierName("ClearPageTagRef");
        var arguments = SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(free.Page.WithoutTrivia())));
        ExpressionSyntax call = free.Receiver switch
        {
            null => SyntaxFactory.InvocationExpression(name, arguments),
            _ when free.Conditional => SyntaxFactory.ConditionalAccessExpression(
                free.Receiver.WithoutTrivia(),
                SyntaxFactory.InvocationExpression(SyntaxFactory.MemberBindingExpression(name), arguments)),
            _ => SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, free.Receiver.WithoutTrivia(), name), arguments),
        };
        return SyntaxFactory.ExpressionStatement(call);
    }

    private static bool TryGetStorage(InvocationExpressionSyntax allocation, SemanticModel model, CancellationToken cancellationToken, out ISymbol storage, out ExpressionSyntax? storageExpression)
    {
        storage = null!;
        storageExpression = null;
        SyntaxNode node = allocation;
        while (node.Parent is ParenthesizedExpressionSyntax or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression }
            || node.Parent is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceExpression } coalesce && coalesce.Left == node)
        {
            node = node.Parent;
        }

        ISymbol? symbol = null;
        switch (node.Parent)
        {
            case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }:
                symbol = model.GetDeclaredSymbol(declarator, cancellationToken);
                break;
            case AssignmentExpressionSyntax assignment when assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && assignment.Right == node:
                symbol = model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol;
                storageExpression = assignment.Left;
                break;
            case IsPatternExpressionSyntax { Pattern: var pattern }:
                var designation = pattern switch
                {
                    DeclarationPatternSyntax declaration => declaration.Designation,
                    RecursivePatternSyntax recursive => recursive.Designation,
                    _ => null,
                };
                if (designation is SingleVariableDesignationSyntax single)
                {
                    symbol = model.GetDeclaredSymbol(single, cancellationToken);
                }

                break;
        }

        if (symbol is ILocalSymbol or IParameterSymbol or IFieldSymbol or IPropertySymbol)
        {
            storage = symbol;
            return true;
        }

        return false;
    }

    private static SyntaxNode OutermostFunction(SyntaxNode function)
    {
        var outermost = function;
        for (var current = FixTargets.EnclosingFunction(function); current is not null and not CompilationUnitSyntax; current = FixTargets.EnclosingFunction(current))
        {
            outermost = current;
        }

        return outermost;
    }

    /// <summary>Names, <c>this</c>, member accesses, indexing and index arithmetic on those: evaluating it twice gives the same thing.</summary>
    private static bool IsStable(ExpressionSyntax expression)
        => expression switch
        {
            IdentifierNameSyntax or ThisExpressionSyntax or BaseExpressionSyntax or LiteralExpressionSyntax => true,
            ParenthesizedExpressionSyntax parenthesized => IsStable(parenthesized.Expression),
            PostfixUnaryExpressionSyntax postfix when postfix.IsKind(SyntaxKind.SuppressNullableWarningExpression) => IsStable(postfix.Operand),
            MemberAccessExpressionSyntax access when access.IsKind(SyntaxKind.SimpleMemberAccessExpression) => IsStable(access.Expression),
            ElementAccessExpressionSyntax element => IsStable(element.Expression) && element.ArgumentList.Arguments.All(argument => IsStable(argument.Expression)),
            BinaryExpressionSyntax binary when binary.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression
                or SyntaxKind.MultiplyExpression or SyntaxKind.LeftShiftExpression => IsStable(binary.Left) && IsStable(binary.Right),
            _ => false,
        };

    private static string WithoutThis(ExpressionSyntax expression)
    {
        var text = Compact(expression);
        return text.StartsWith("this.", System.StringComparison.Ordinal) ? text.Substring("this.".Length) : text;
    }

    private static string Compact(SyntaxNode node) => string.Concat(node.DescendantTokens().Select(token => token.Text));
}
