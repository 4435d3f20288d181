using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.CodeFixes.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GfpAnalyzers.CodeFixes;

/// <summary>
/// GFP005 (NoFail without DirectReclaim: the allocator cannot honour "never fail" without being allowed to
/// reclaim). Either drop NoFail (the caller must then handle failure, which it has to in atomic context anyway),
/// or, only where sleeping is allowed, add DirectReclaim so that NoFail can be honoured. "Where sleeping is allowed"
/// includes the callers: not in a helper or local function that some caller runs under a lock
/// (<see cref="AtomicCallers"/>), where the fix would create a GFP009 at that call.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GFP005NoFailWithoutDirectReclaimCodeFix))]
[Shared]
internal sealed class GFP005NoFailWithoutDirectReclaimCodeFix : GfpFixProvider
{
    public const string RemoveNoFailKey = "GfpAnalyzers.RemoveNoFail";
    public const string AllowDirectReclaimKey = "GfpAnalyzers.AllowDirectReclaim";

    private static readonly FixAction RemoveNoFail = FixAction.OnFlags(RemoveNoFailKey, "Remove NoFail", RemoveNoFailAsync);
    private static readonly FixAction AllowDirectReclaim = FixAction.OnFlags(AllowDirectReclaimKey, "Allow direct reclaim", AllowDirectReclaimAsync);

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NoFailWithoutDirectReclaim);

    internal override ImmutableArray<FixAction> Actions { get; } = ImmutableArray.Create(RemoveNoFail, AllowDirectReclaim);

    /// <summary>Each fix edits only its own flags argument: edits never overlap.</summary>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    private static async Task<Document?> RemoveNoFailAsync(FixSession session, FlagsArgument flags, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var noFail = session.Symbols.Bits.NoFail;
        var expression = flags.Expression;
        var editor = session.CreateEditor();
        var spelling = GfpSpelling.For(session.Model, expression.SpanStart, session.Symbols, cancellationToken);
        var operands = FlagExpressions.OrOperands(FixTargets.Unwrap(expression));
        var noFails = operands.Where(candidate => FlagFixSupport.ConstantValue(candidate, session.Model, cancellationToken) == noFail).ToList();
        var operand = noFails.FirstOrDefault();
        if (noFails.Count > 1 && noFails.Count < operands.Count)
        {
            // `Gfp.Atomic | Gfp.NoFail | Gfp.NoFail` → `Gfp.Atomic`: every NoFail operand goes, or NoFail stays.
            var remaining = operands.Where(candidate => !noFails.Contains(candidate)).Select(candidate => candidate.WithoutTrivia()).ToList();
            var rebuilt = remaining.Skip(1).Aggregate(remaining[0], FlagExpressions.OrOf);
            var chain = FixTargets.Unwrap(expression);
            editor.ReplaceNode(chain, FlagExpressions.Parenthesize(rebuilt, 0).WithTriviaFrom(chain));
        }
        else if (noFails.Count > 1)
        {
            // Nothing but NoFail, several times.
            editor.ReplaceNode(expression, spelling.Member("None").WithTriviaFrom(expression));
        }
        else if (operand is not null && FlagExpressions.TryGetRemoval(operand, out var replaced, out var replacement))
        {
            // `Gfp.Kernel | Gfp.NoFail` → `Gfp.Kernel`.
            editor.ReplaceNode(replaced, replacement);
        }
        else if (operand is not null && operand == FixTargets.Unwrap(expression))
        {
            // The flags were just NoFail.
            editor.ReplaceNode(expression, spelling.Member("None").WithTriviaFrom(expression));
        }
        else
        {
            // NoFail comes from a variable or a composite constant: mask it out where the flags are used.
            var masked = FlagExpressions.AndOf(expression.WithoutTrivia(), FlagExpressions.Not(spelling.Member("NoFail")));
            editor.ReplaceNode(expression, masked.WithTriviaFrom(expression));
        }

        return await session.FinishAsync(editor, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Document?> AllowDirectReclaimAsync(FixSession session, FlagsArgument flags, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (FlagFixSupport.MayBeInAtomicContext(flags.Allocation, session, cancellationToken)
            || AtomicCallers.MayRunInAtomicContext(flags.Allocation, session, cancellationToken)
            || MakesPublicMethodSleep(flags.Expression, session, cancellationToken))
        {
            return null;
        }

        var spelling = GfpSpelling.For(session.Model, flags.Expression.SpanStart, session.Symbols, cancellationToken);
        var editor = session.CreateEditor();
        var allowed = FlagExpressions.OrOf(flags.Expression.WithoutTrivia(), spelling.Member("DirectReclaim"));
        editor.ReplaceNode(flags.Expression, allowed.WithTriviaFrom(flags.Expression));
        return await session.FinishAsync(editor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Allowing reclaim makes the enclosing method sleep. In a method other assemblies can call that is not marked
    /// [MightSleep], that is a new GFP010 (an error under the strict preset): the fix would trade one finding for another,
    /// so it is not offered there; "Remove NoFail" still is.
    /// </summary>
    private static bool MakesPublicMethodSleep(SyntaxNode node, FixSession session, CancellationToken cancellationToken)
    {
        var symbol = session.Model.GetEnclosingSymbol(node.SpanStart, cancellationToken);
        while (symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction })
        {
            symbol = symbol.ContainingSymbol;
        }

        return symbol is IMethodSymbol method
               && GFP010MissingMightSleepAnalyzer.IsVisibleOutside(method)
               && !session.Symbols.HasAttribute(method, session.Symbols.MightSleepAttribute);
    }
}
