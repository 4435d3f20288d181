using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GfpAnalyzers.Analyzers.PageObligations;

/// <summary>
/// A summary read from syntax alone, for a callee of this compilation whose graph we cannot build (declared in another
/// syntax tree: the analyzer has no semantic model for it). A body that never names a clear or a free and never passes
/// the page on can do nothing to its tag reference: it keeps the page uncleared. Anything else stays opaque.
/// </summary>
internal static class SyntacticSummary
{
    private static readonly ImmutableHashSet<string> ObligationMembers =
        ImmutableHashSet.Create("ClearPageTagRef", "ClearPageTagRefIfNotSet", "FreePage", "FreePages");

    public static MethodObligationSummary Of(IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (method.IsAbstract || method.IsVirtual || (method.IsOverride && !method.IsSealed) || method.IsExtern
            || method.MethodKind is not (MethodKind.Ordinary or MethodKind.Constructor)
            || method.DeclaringSyntaxReferences.Length != 1)
        {
            return MethodObligationSummary.Opaque;
        }

        var declaration = method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
        if (declaration is not BaseMethodDeclarationSyntax { } body || body.ContainsDiagnostics)
        {
            return MethodObligationSummary.Opaque;
        }

        var identifiers = body.DescendantNodes().OfType<IdentifierNameSyntax>().ToList();
        if (identifiers.Any(identifier => ObligationMembers.Contains(identifier.Identifier.ValueText)))
        {
            return MethodObligationSummary.Opaque;
        }

        var effects = ImmutableArray.CreateBuilder<ParameterEffect>(method.Parameters.Length);
        foreach (var parameter in method.Parameters)
        {
            var passedOn = identifiers.Any(identifier => identifier.Identifier.ValueText == parameter.Name && IsPassedOn(identifier));
            effects.Add(passedOn
                ? new ParameterEffect(ParameterEffectKind.Unknown, freesUncleared: false, PagePaths.None)
                : new ParameterEffect(ParameterEffectKind.Known, freesUncleared: false, PagePaths.Uncleared));
        }

        return new MethodObligationSummary(effects.MoveToImmutable());
    }

    /// <summary>Argument checks that look at a page without doing anything to it.</summary>
    private static readonly ImmutableHashSet<string> Guards =
        ImmutableHashSet.Create("nameof", "ThrowIfNull", "ReferenceEquals", "Assert", "IsNull", "IsNotNull");

    /// <summary>Handed to another call (directly, or through a lambda or local function that may call one).</summary>
    private static bool IsPassedOn(IdentifierNameSyntax identifier)
    {
        if (identifier.Ancestors().Any(ancestor => ancestor is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
        {
            return true;
        }

        if (identifier.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: var call } })
        {
            return false;
        }

        var name = call switch
        {
            InvocationExpressionSyntax { Expression: IdentifierNameSyntax simple } => simple.Identifier.ValueText,
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member } => member.Name.Identifier.ValueText,
            _ => null,
        };
        return name is null || !Guards.Contains(name);
    }
}
