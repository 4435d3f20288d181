using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GfpAnalyzers.Analyzers.AtomicContext;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>
/// Whether code may run in atomic context through its callers: a fix that makes a function sleep (adds
/// <c>DirectReclaim</c>) must not be offered in a helper or local function some caller runs under a lock, or it would
/// trade its finding for a GFP009 at that call. Judged with the same lock analysis as the rules
/// (<see cref="AtomicContextAnalysis"/>) at each call site, through callers of callers. Errs towards "may": a
/// reference that is not a plain call (a method group handed on, a delegate) or more callers than
/// <see cref="MaxFunctions"/> count as atomic. Calls through virtual dispatch are not followed, as GFP009 does not
/// follow them either.
/// </summary>
internal static class AtomicCallers
{
    /// <summary>Functions (the fixed one and its callers, transitively) looked at before giving up with "may".</summary>
    private const int MaxFunctions = 32;

    /// <summary>Whether <paramref name="node"/> may run in atomic context: in its own function, or in a caller's section.</summary>
    public static bool MayRunInAtomicContext(SyntaxNode node, FixSession session, CancellationToken cancellationToken)
    {
        if (ContextAt(node, session.Model, session, cancellationToken) is not false
            || FunctionSymbol(node, session.Model, cancellationToken) is not { } start)
        {
            return true;
        }

        var pending = new Queue<IMethodSymbol>();
        var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { start };
        pending.Enqueue(start);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var function = pending.Dequeue();
            if (function.MethodKind == MethodKind.AnonymousFunction)
            {
                // A lambda runs wherever its delegate is invoked: judged on its own body (done for the start above).
                continue;
            }

            foreach (var reference in References(function, session, cancellationToken))
            {
                if (InvocationOf(reference) is not { } call)
                {
                    if (IsNameOf(reference))
                    {
                        continue;
                    }

                    // A method group passed on: it runs wherever the delegate is invoked, which is not known.
                    return true;
                }

                var model = ModelFor(call.SyntaxTree, session);
                if (ContextAt(call, model, session, cancellationToken) is not false
                    || FunctionSymbol(call, model, cancellationToken) is not { } caller)
                {
                    return true;
                }

                if (seen.Add(caller))
                {
                    if (seen.Count > MaxFunctions)
                    {
                        return true;
                    }

                    pending.Enqueue(caller);
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a lock may be held at <paramref name="node"/> in its own function (its sections, its attributes): true,
    /// false, or null when the function's graph could not be built or the node not found in it.
    /// </summary>
    private static bool? ContextAt(SyntaxNode node, SemanticModel model, FixSession session, CancellationToken cancellationToken)
    {
        if (GraphRoot(node, model, cancellationToken) is not { } root)
        {
            return null;
        }

        var cfg = ControlFlowGraph.Create(root.Syntax, model, cancellationToken);
        if (cfg is null)
        {
            return null;
        }

        var owner = model.GetDeclaredSymbol(root.Syntax, cancellationToken) ?? model.GetEnclosingSymbol(root.Syntax.SpanStart, cancellationToken);
        if (owner is null)
        {
            return null;
        }

        foreach (var (graph, graphOwner) in ControlFlowGraphs.WithNestedGraphs(cfg, owner, cancellationToken))
        {
            foreach (var operation in ControlFlowGraphs.Operations(graph))
            {
                foreach (var candidate in operation.DescendantsAndSelf())
                {
                    if (candidate is IInvocationOperation && candidate.Syntax == node)
                    {
                        return AtomicContextAnalysis.Create(graph, graphOwner, session.Symbols, cancellationToken).GetContext(candidate) is not null;
                    }
                }
            }
        }

        // Not found (unreachable code, or a shape the graph rewrites): unknown.
        return null;
    }

    /// <summary>The operation a graph is built from for the member holding <paramref name="node"/>: its body or initializer.</summary>
    private static IOperation? GraphRoot(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            if (current is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or ArrowExpressionClauseSyntax { Parent: PropertyDeclarationSyntax or IndexerDeclarationSyntax }
                or EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax } or PropertyDeclarationSyntax }
                or CompilationUnitSyntax)
            {
                var operation = model.GetOperation(current, cancellationToken);
                return operation is { Parent: null } && ControlFlowGraphs.HasGraph(operation) ? operation : null;
            }

            if (current is TypeDeclarationSyntax)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>The method, local function or lambda whose body holds <paramref name="node"/>.</summary>
    internal static IMethodSymbol? FunctionSymbol(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
        => FixTargets.EnclosingFunction(node) is { } function and not CompilationUnitSyntax
            ? (function is AnonymousFunctionExpressionSyntax lambda ? model.GetSymbolInfo(lambda, cancellationToken).Symbol : model.GetDeclaredSymbol(function, cancellationToken)) as IMethodSymbol
            : null;

    /// <summary>
    /// Every name that binds to <paramref name="function"/>: in the containing member for a local function, in the
    /// containing type's declarations for a private method, else in the whole compilation. Names are matched as text
    /// first, so only candidates are bound.
    /// </summary>
    internal static IEnumerable<SimpleNameSyntax> References(IMethodSymbol function, FixSession session, CancellationToken cancellationToken)
    {
        var compilation = session.Model.Compilation;
        IEnumerable<SyntaxNode> scopes = function.MethodKind == MethodKind.LocalFunction
            ? function.ContainingSymbol.DeclaringSyntaxReferences.Select(reference => reference.GetSyntax(cancellationToken))
            : function.DeclaredAccessibility == Accessibility.Private && function.ContainingType is { } type
                ? type.DeclaringSyntaxReferences.Select(reference => reference.GetSyntax(cancellationToken))
                : compilation.SyntaxTrees.Select(tree => tree.GetRoot(cancellationToken));
        var target = function.OriginalDefinition;
        foreach (var scope in scopes.OrderBy(scope => scope.SyntaxTree.FilePath, System.StringComparer.Ordinal).ThenBy(scope => scope.SpanStart))
        {
            var model = ModelFor(scope.SyntaxTree, session);
            foreach (var token in scope.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == function.Name
                    && token.Parent is SimpleNameSyntax name
                    && model.GetSymbolInfo(name, cancellationToken) is var info
                    && (info.Symbol ?? info.CandidateSymbols.FirstOrDefault()) is IMethodSymbol bound
                    && SymbolEqualityComparer.Default.Equals(bound.OriginalDefinition, target)
                    && !IsDeclaration(name))
                {
                    yield return name;
                }
            }
        }
    }

    /// <summary>
    /// The call that invokes the name: <c>Helper(...)</c>, <c>x.Helper(...)</c>, <c>x?.Helper(...)</c>; null for any
    /// other use (a method group, <c>nameof</c>).
    /// </summary>
    internal static InvocationExpressionSyntax? InvocationOf(SimpleNameSyntax name)
        => name.Parent switch
        {
            InvocationExpressionSyntax invocation when invocation.Expression == name => invocation,
            MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax invocation } access when access.Name == name && invocation.Expression == access => invocation,
            MemberBindingExpressionSyntax { Parent: InvocationExpressionSyntax invocation } binding when binding.Name == name && invocation.Expression == binding => invocation,
            _ => null,
        };

    internal static SemanticModel ModelFor(SyntaxTree tree, FixSession session)
        => tree == session.Root.SyntaxTree ? session.Model : session.Model.Compilation.GetSemanticModel(tree);

    private static bool IsNameOf(SimpleNameSyntax name)
        => name.FirstAncestorOrSelf<InvocationExpressionSyntax>() is { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } };

    private static bool IsDeclaration(SimpleNameSyntax name) => name.Parent is MethodDeclarationSyntax or LocalFunctionStatementSyntax;
}
