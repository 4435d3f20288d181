using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GfpAnalyzers.Analyzers.AtomicContext;
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
/// GFP008 (a lock still held at an exit on every path reaching it): releases it right before that exit, as many times
/// as it is held there (nested sections of one lock), with the primitive that matches the lock: <c>ReadUnlock()</c> on
/// the same <c>Rcu</c>, <c>_lock.UnlockIrqRestore(flags)</c>, <c>Preempt.Enable()</c>. A returned value that is more
/// than a name or a constant is computed into a local first, so it is still computed inside the section (it may read
/// RCU-protected data). Not offered for the other GFP008 cases (an unlock with no lock held, a wrong primitive: which
/// call is the mistake is the author's call), when paths hold the lock a different number of times, when the function
/// takes read locks on more than one receiver and the diagnostic does not say which, inside a try whose catch
/// releases the lock (the handler would then release it a second time), nor in a function that returns holding the
/// lock on every path while a caller releases it after the call (an acquire helper: its callers' releases would be unpaired).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GFP008UnbalancedRcuReadLockCodeFix))]
[Shared]
internal sealed class GFP008UnbalancedRcuReadLockCodeFix : GfpFixProvider
{
    public const string EquivalenceKey = "GfpAnalyzers.ReleaseReadLock";

    private static readonly FixAction ReleaseLock = FixAction.OnSession(EquivalenceKey, "Release the lock on this path", ApplyAsync)
        .WithTitles((session, target, diagnostic, cancellationToken) => Plan(session, target, diagnostic, cancellationToken)?.Title ?? "Release the lock on this path");

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnbalancedRcuReadLock);

    internal override ImmutableArray<FixAction> Actions { get; } = ImmutableArray.Create(ReleaseLock);

    private static async Task<Document?> ApplyAsync(FixSession session, SyntaxNode target, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (Plan(session, target, diagnostic, cancellationToken) is not { } plan)
        {
            return null;
        }

        var editor = session.CreateEditor();
        var releases = Enumerable.Repeat(plan.Release, plan.Count).ToList();
        switch (plan.Exit)
        {
            case BlockSyntax body:
                // Falling off the end of the function.
                foreach (var release in releases)
                {
                    StatementInsertion.Append(editor, body, release);
                }

                break;
            case ReturnStatementSyntax { Expression: { } value } ret when !IsTrivial(value, session.Model, cancellationToken):
                if (!ReturnValueHoisting.TryHoist(editor, ret, releases, plan.Function, session, cancellationToken))
                {
                    return null;
                }

                break;
            case StatementSyntax statement when StatementInsertion.CanInsertBefore(statement):
                StatementInsertion.InsertBefore(editor, statement, releases);
                break;
            default:
                return null;
        }

        return await session.FinishAsync(editor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the fix would insert where, or null when it is not offered.</summary>
    private static ReleasePlan? Plan(FixSession session, SyntaxNode target, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (IsUnlockWithoutLock(target, session, cancellationToken)
            || HeldCount(diagnostic) is not { } count
            || Exit(target) is not { } exit
            || (exit is BlockSyntax ? exit.Parent : FixTargets.EnclosingFunction(exit)) is not { } function
            || Release(diagnostic, exit, function, session, cancellationToken) is not { } release
            || session.Symbols.Locks.Classify(release.Method) is not { Role: LockRole.Release } operation
            || CatchReleases(exit, function, operation.Family, session, cancellationToken)
            || (diagnostic.Properties.ContainsKey(GFP008UnbalancedRcuReadLockAnalyzer.HeldForCallersProperty)
                && AcquireHelperCallers.AnyCallerReleases(exit, operation.Family, session, cancellationToken))
            || !CanPlace(exit, session, cancellationToken))
        {
            return null;
        }

        return new ReleasePlan(exit, function, release.Statement, count, Title(operation, (InvocationExpressionSyntax)release.Statement.Expression, count));
    }

    /// <summary>How many times the lock is held at the exit (the analyzer says so only when every path agrees).</summary>
    private static int? HeldCount(Diagnostic diagnostic)
        => diagnostic.Properties.TryGetValue(GFP008UnbalancedRcuReadLockAnalyzer.HeldCountProperty, out var text)
            && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
            && count is >= 1 and <= MaxReleases
                ? count
                : null;

    /// <summary>A lock held more often than this at one exit is machine-made code, not a fix to write by hand.</summary>
    private const int MaxReleases = 16;

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
    /// The release to insert and the method it calls: for a lock other than RCU, the matching primitive the diagnostic
    /// names (<c>_lock.UnlockIrqRestore(flags)</c>); for RCU, <c>ReadUnlock()</c> on its receiver. Null unless it binds
    /// where it goes (the receiver and the saved flags must be in scope at the exit).
    /// </summary>
    private static (ExpressionStatementSyntax Statement, IMethodSymbol Method)? Release(Diagnostic diagnostic, SyntaxNode exit, SyntaxNode function, FixSession session, CancellationToken cancellationToken)
    {
        InvocationExpressionSyntax release;
        if (diagnostic.Properties.TryGetValue(GFP008UnbalancedRcuReadLockAnalyzer.ReleaseCallProperty, out var call))
        {
            if (string.IsNullOrEmpty(call) || SyntaxFactory.ParseExpression(call!) is not InvocationExpressionSyntax named)
            {
                return null;
            }

            release = named;
        }
        else if (LockReceiver(diagnostic, function, session, cancellationToken) is { } receiver)
        {
            release = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver.WithoutTrivia(), SyntaxFactory.IdentifierName("ReadUnlock")));
        }
        else
        {
            return null;
        }

        // Inside the body, after its last statement: the closing brace itself is outside the body's scope.
        var position = exit is BlockSyntax body ? body.CloseBraceToken.SpanStart - 1 : exit.SpanStart;
        return session.Model.GetSpeculativeSymbolInfo(position, release, SpeculativeBindingOption.BindAsExpression).Symbol is IMethodSymbol method
            ? (SyntaxFactory.ExpressionStatement(release), method)
            : null;
    }

    /// <summary>
    /// Whether a try around the exit (in this function) has a catch that releases a lock of this kind: the catch runs
    /// for exceptions thrown after the inserted release too, and would then release a second time.
    /// </summary>
    private static bool CatchReleases(SyntaxNode exit, SyntaxNode function, LockFamily family, FixSession session, CancellationToken cancellationToken)
    {
        for (var node = exit; node is not null && node != function; node = node.Parent)
        {
            if (node.Parent is TryStatementSyntax tryStatement && tryStatement.Block == node
                && tryStatement.Catches.SelectMany(clause => clause.DescendantNodes()).OfType<InvocationExpressionSyntax>().Any(invocation =>
                    session.Model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method
                    && session.Symbols.Locks.Classify(method) is { Role: LockRole.Release } operation
                    && operation.Family == family))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the releases can go right before the exit (a hoisted return value needs a declarable local).</summary>
    private static bool CanPlace(SyntaxNode exit, FixSession session, CancellationToken cancellationToken)
        => exit switch
        {
            BlockSyntax => true,
            ReturnStatementSyntax { Expression: { } value } ret when !IsTrivial(value, session.Model, cancellationToken)
                => ReturnValueHoisting.CanHoist(ret, session.Model, cancellationToken),
            StatementSyntax statement => StatementInsertion.CanInsertBefore(statement),
            _ => false,
        };

    /// <summary>"Release spin lock '_lock' on this path", "Release the RCU read lock twice on this path", "Re-enable preemption on this path".</summary>
    private static string Title(LockOperation operation, InvocationExpressionSyntax release, int count)
    {
        var receiver = release.Expression is MemberAccessExpressionSyntax { Expression: var named } ? named.ToString() : string.Empty;
        var what = operation.Family switch
        {
            LockFamily.Rcu => "Release the RCU read lock",
            LockFamily.SpinLock => $"Release spin lock '{receiver}'",
            LockFamily.RawSpinLock => $"Release raw spin lock '{receiver}'",
            LockFamily.RwLock => $"Release {(operation.Side == LockSide.Write ? "write" : "read")} lock '{receiver}'",
            LockFamily.Preempt => "Re-enable preemption",
            LockFamily.LocalIrq => operation.RestoresFlags ? "Restore interrupts" : "Re-enable interrupts",
            LockFamily.LocalBh => "Re-enable bottom halves",
            LockFamily.Runqueue => "Release the runqueue lock",
            _ => $"Release '{receiver}'",
        };
        var times = count switch
        {
            1 => string.Empty,
            2 => " twice",
            _ => " " + count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " times",
        };
        return what + times + " on this path";
    }

    /// <summary>A returned value that reads nothing the section protects: a constant, a local, a parameter, <c>this</c> (or a ref to a local or parameter).</summary>
    private static bool IsTrivial(ExpressionSyntax value, SemanticModel model, CancellationToken cancellationToken)
    {
        value = FixTargets.Unwrap(value is RefExpressionSyntax byRef ? byRef.Expression : value);
        return value is LiteralExpressionSyntax or ThisExpressionSyntax or DefaultExpressionSyntax
            || model.GetConstantValue(value, cancellationToken).HasValue
            || value is IdentifierNameSyntax && model.GetSymbolInfo(value, cancellationToken).Symbol is ILocalSymbol or IParameterSymbol;
    }

    /// <summary>A receiver that names the same lock wherever it is evaluated: <c>rcu</c>, <c>this</c>, <c>a.b.c</c>.</summary>
    private static bool IsStable(ExpressionSyntax receiver)
    {
        var current = receiver;
        while (current is MemberAccessExpressionSyntax { Expression: var inner })
        {
            current = inner;
        }

        return current is IdentifierNameSyntax or ThisExpressionSyntax;
    }

    /// <summary>Where the releases go, how many, and what the light bulb calls them.</summary>
    private sealed class ReleasePlan
    {
        public ReleasePlan(SyntaxNode exit, SyntaxNode function, StatementSyntax release, int count, string title)
        {
            Exit = exit;
            Function = function;
            Release = release;
            Count = count;
            Title = title;
        }

        public SyntaxNode Exit { get; }

        public SyntaxNode Function { get; }

        public StatementSyntax Release { get; }

        public int Count { get; }

        public string Title { get; }
    }
}
