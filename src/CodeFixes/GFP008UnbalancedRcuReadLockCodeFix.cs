using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.CodeFixes.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;

namespace GfpAnalyzers.CodeFixes;

/// <summary>
/// GFP008 (a read lock still held at an exit on every path reaching it): calls <c>ReadUnlock()</c> on the same
/// <c>Rcu</c> right before that exit. A returned value that is more than a name or a constant is computed into a
/// local first, so it is still computed inside the section (it may read RCU-protected data). Not offered for the
/// other GFP008 case (an unlock with no lock held: the missing lock or the extra unlock is the author's call),
/// nor when the function takes read locks on more than one receiver and the diagnostic does not say which.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GFP008UnbalancedRcuReadLockCodeFix))]
[Shared]
internal sealed class GFP008UnbalancedRcuReadLockCodeFix : GfpFixProvider
{
    public const string EquivalenceKey = "GfpAnalyzers.ReleaseReadLock";

    private static readonly FixAction ReleaseReadLock = FixAction.OnSession(EquivalenceKey, "Release the read lock on this path", ApplyAsync);

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnbalancedRcuReadLock);

    internal override ImmutableArray<FixAction> Actions { get; } = ImmutableArray.Create(ReleaseReadLock);

    private static async Task<Document?> ApplyAsync(FixSession session, SyntaxNode target, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (IsUnlockWithoutLock(target, session, cancellationToken)
            || Exit(target) is not { } exit
            || (exit is BlockSyntax ? exit.Parent : FixTargets.EnclosingFunction(exit)) is not { } function
            || ReleaseStatement(diagnostic, exit, function, session, cancellationToken) is not { } unlock)
        {
            return null;
        }

        var editor = session.CreateEditor();
        switch (exit)
        {
            case BlockSyntax body:
                // Falling off the end of the function.
                StatementInsertion.Append(editor, body, unlock);
                break;
            case ReturnStatementSyntax { Expression: { } value } ret when !IsTrivial(value, session.Model, cancellationToken):
                if (!StatementInsertion.CanInsertBefore(ret))
                {
                    return null;
                }

                ComputeThenUnlockThenReturn(editor, ret, value, unlock, function, session.Model, cancellationToken);
                break;
            case StatementSyntax statement when StatementInsertion.CanInsertBefore(statement):
                StatementInsertion.InsertBefore(editor, statement, unlock);
                break;
            default:
                return null;
        }

        return await session.FinishAsync(editor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The exit the diagnostic is at: a return, throw or yield break, or the body whose end is reached.</summary>
    private static SyntaxNode? Exit(SyntaxNode target)
    {
        switch (target)
        {
            case BlockSyntax { Parent: BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax } body:
                return body;
            case BaseMethodDeclarationSyntax { Body: { } methodBody }:
                return methodBody;
            case LocalFunctionStatementSyntax { Body: { } localBody }:
                return localBody;
            case AccessorDeclarationSyntax { Body: { } accessorBody }:
                return accessorBody;
            case ReturnStatementSyntax or ThrowStatementSyntax or YieldStatementSyntax { RawKind: (int)SyntaxKind.YieldBreakStatement }:
                return target;
            case ExpressionSyntax { Parent: ReturnStatementSyntax ret } value when ret.Expression == value:
                return ret;
            default:
                // An expression body (`=> value`) has no statement to put the unlock before.
                return null;
        }
    }

    private static bool IsUnlockWithoutLock(SyntaxNode target, FixSession session, CancellationToken cancellationToken)
        => target is InvocationExpressionSyntax or ExpressionStatementSyntax or MemberAccessExpressionSyntax or IdentifierNameSyntax
            && FixTargets.InvocationAt(target) is { } invocation
            && session.Model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method
            && session.Symbols.IsReadUnlock(method);

    /// <summary>
    /// The receiver of the read lock: the lock the diagnostic points at (an additional location), else the only
    /// receiver the function takes explicit read locks on (nested lambdas and local functions aside).
    /// </summary>
    private static ExpressionSyntax? LockReceiver(Diagnostic diagnostic, SyntaxNode function, FixSession session, CancellationToken cancellationToken)
    {
        foreach (var location in diagnostic.AdditionalLocations)
        {
            if (location.SourceTree == session.Root.SyntaxTree
                && FixTargets.NodeAt(session.Root, location.SourceSpan) is { } node
                && FixTargets.InvocationAt(node) is { Expression: MemberAccessExpressionSyntax { Expression: var named } } invocation
                && session.Model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method
                && session.Symbols.IsReadLock(method))
            {
                return IsStable(named) ? named : null;
            }
        }

        var receivers = new Dictionary<string, ExpressionSyntax>(System.StringComparer.Ordinal);
        foreach (var invocation in function.DescendantNodes(node => node == function || node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .OfType<InvocationExpressionSyntax>())
        {
            if (invocation.Expression is MemberAccessExpressionSyntax { Expression: var receiver }
                && session.Model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method
                && session.Symbols.IsReadLock(method))
            {
                receivers[string.Concat(receiver.DescendantTokens().Select(token => token.Text))] = receiver;
            }
        }

        return receivers.Count == 1 && IsStable(receivers.Values.First()) ? receivers.Values.First() : null;
    }

    /// <summary>
    /// The release to insert: for a lock other than RCU, the matching primitive the diagnostic names
    /// (<c>_lock.UnlockIrqRestore(flags)</c>), when it binds at the exit; for RCU, <c>ReadUnlock()</c> on its receiver.
    /// </summary>
    private static StatementSyntax? ReleaseStatement(Diagnostic diagnostic, SyntaxNode exit, SyntaxNode function, FixSession session, CancellationToken cancellationToken)
    {
        if (diagnostic.Properties.TryGetValue(GFP008UnbalancedRcuReadLockAnalyzer.ReleaseCallProperty, out var call))
        {
            if (string.IsNullOrEmpty(call) || SyntaxFactory.ParseExpression(call!) is not InvocationExpressionSyntax release)
            {
                return null;
            }

            // The receiver and the saved flags must be in scope where the release goes.
            var position = exit is BlockSyntax body ? body.CloseBraceToken.SpanStart : exit.SpanStart;
            var bound = session.Model.GetSpeculativeSymbolInfo(position, release, SpeculativeBindingOption.BindAsExpression);
            return bound.Symbol is IMethodSymbol ? SyntaxFactory.ExpressionStatement(release) : null;
        }

        return LockReceiver(diagnostic, function, session, cancellationToken) is { } receiver ? UnlockStatement(receiver) : null;
    }

    private static StatementSyntax UnlockStatement(ExpressionSyntax receiver)
        => SyntaxFactory.ExpressionStatement(SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver.WithoutTrivia(), SyntaxFactory.IdentifierName("ReadUnlock"))));

    /// <summary><c>return f(x);</c> → <c>var result = f(x); rcu.ReadUnlock(); return result;</c></summary>
    private static void ComputeThenUnlockThenReturn(SyntaxEditor editor, ReturnStatementSyntax ret, ExpressionSyntax value, StatementSyntax unlock, SyntaxNode function, SemanticModel model, CancellationToken cancellationToken)
    {
        var name = UniqueName(model, ret.SpanStart, function, "result");
        var typeInfo = model.GetTypeInfo(value, cancellationToken);
        TypeSyntax type = typeInfo.Type is { TypeKind: not TypeKind.Error } natural && SymbolEqualityComparer.IncludeNullability.Equals(natural, typeInfo.ConvertedType)
            ? SyntaxFactory.IdentifierName("var")
            : typeInfo.ConvertedType is { TypeKind: not TypeKind.Error } converted
                ? SyntaxFactory.ParseTypeName(converted.ToMinimalDisplayString(model, ret.SpanStart))
                : SyntaxFactory.IdentifierName("var");
        var declaration = SyntaxFactory.LocalDeclarationStatement(SyntaxFactory.VariableDeclaration(type,
            SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(name).WithInitializer(SyntaxFactory.EqualsValueClause(value.WithoutTrivia())))))
            .WithAdditionalAnnotations(Formatter.Annotation);
        var newReturn = ret.WithExpression(SyntaxFactory.IdentifierName(name).WithTriviaFrom(value));
        if (ret.Parent is BlockSyntax or SwitchSectionSyntax)
        {
            editor.InsertBefore(ret, new SyntaxNode[] { declaration, unlock.WithAdditionalAnnotations(Formatter.Annotation) });
            editor.ReplaceNode(ret, newReturn);
        }
        else
        {
            editor.ReplaceNode(ret, SyntaxFactory.Block(declaration, unlock, newReturn.WithoutLeadingTrivia())
                .WithLeadingTrivia(ret.GetLeadingTrivia()).WithAdditionalAnnotations(Formatter.Annotation));
        }
    }

    /// <summary>A returned value that reads nothing the section protects: a constant, a local, a parameter, <c>this</c>.</summary>
    private static bool IsTrivial(ExpressionSyntax value, SemanticModel model, CancellationToken cancellationToken)
    {
        value = FixTargets.Unwrap(value);
        return value is LiteralExpressionSyntax or ThisExpressionSyntax or DefaultExpressionSyntax
            || model.GetConstantValue(value, cancellationToken).HasValue
            || value is IdentifierNameSyntax && model.GetSymbolInfo(value, cancellationToken).Symbol is ILocalSymbol or IParameterSymbol;
    }

    private static bool IsStable(ExpressionSyntax receiver)
        => receiver is IdentifierNameSyntax or ThisExpressionSyntax
            || receiver is MemberAccessExpressionSyntax { Expression: var inner } && IsStable(inner);

    /// <summary>A name no symbol in scope and no local of the function uses (C# forbids shadowing a local declared later).</summary>
    private static string UniqueName(SemanticModel model, int position, SyntaxNode function, string baseName)
    {
        var taken = new HashSet<string>(model.LookupSymbols(position).Select(symbol => symbol.Name), System.StringComparer.Ordinal);
        foreach (var token in function.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken))
            {
                taken.Add(token.ValueText);
            }
        }

        var name = baseName;
        for (var suffix = 1; taken.Contains(name); suffix++)
        {
            name = baseName + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return name;
    }
}
