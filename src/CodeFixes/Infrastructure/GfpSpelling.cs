using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>
/// How a file spells <c>Gfp</c> members: bare (<c>High</c>, under <c>using static GfpAnalyzers.Runtime.Gfp</c>),
/// qualified the way the file already qualifies them (<c>Gfp.High</c>, an alias, or a fully qualified name).
/// Whatever the file prefers is checked by binding it at the edit position, and the next spelling is used when it
/// would not bind there (a local called <c>High</c>, no <c>using</c> for the namespace).
/// </summary>
internal sealed class GfpSpelling
{
    private const string FullyQualified = RuntimeSymbols.RuntimeNamespace + ".Gfp";

    private readonly string? _qualifier;

    private GfpSpelling(string? qualifier) => _qualifier = qualifier;

    /// <summary>A reference to the member called <paramref name="name"/>.</summary>
    public ExpressionSyntax Member(string name)
        => _qualifier is null
            ? SyntaxFactory.IdentifierName(name)
            : SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.ParseExpression(_qualifier), SyntaxFactory.IdentifierName(name));

    /// <summary><c>A | B | C</c>, in the given order.</summary>
    public ExpressionSyntax Or(IEnumerable<string> names)
    {
        ExpressionSyntax? result = null;
        foreach (var name in names)
        {
            var member = Member(name);
            result = result is null ? member : FlagExpressions.OrOf(result, member);
        }

        return result ?? Member("None");
    }

    public static GfpSpelling For(SemanticModel model, int position, RuntimeSymbols symbols, CancellationToken cancellationToken)
    {
        var candidates = new List<string?>();
        var bare = 0;
        var qualified = new Dictionary<string, int>(System.StringComparer.Ordinal);
        var root = model.SyntaxTree.GetRoot(cancellationToken);
        var names = new HashSet<string>(symbols.Bits.ValuesByName.Keys, System.StringComparer.Ordinal);
        foreach (var identifier in root.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (!names.Contains(identifier.Identifier.ValueText)
                || model.GetSymbolInfo(identifier, cancellationToken).Symbol is not IFieldSymbol field
                || !symbols.IsGfp(field.ContainingType))
            {
                continue;
            }

            if (identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier)
            {
                var qualifier = Compact(access.Expression);
                qualified[qualifier] = qualified.TryGetValue(qualifier, out var count) ? count + 1 : 1;
            }
            else if (identifier.Parent is not QualifiedNameSyntax)
            {
                bare++;
            }
        }

        var mostQualified = qualified.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, System.StringComparer.Ordinal).FirstOrDefault();
        var prefersBare = bare > mostQualified.Value || (bare == 0 && mostQualified.Key is null && HasUsingStaticGfp(root, model, symbols, cancellationToken));
        if (prefersBare)
        {
            candidates.Add(null);
        }

        if (mostQualified.Key is not null)
        {
            candidates.Add(mostQualified.Key);
        }

        candidates.Add("Gfp");
        candidates.Add(FullyQualified);
        candidates.Add("global::" + FullyQualified);

        foreach (var candidate in candidates)
        {
            var spelling = new GfpSpelling(candidate);
            if (Binds(spelling, model, position, symbols))
            {
                return spelling;
            }
        }

        return new GfpSpelling("global::" + FullyQualified);
    }

    private static bool Binds(GfpSpelling spelling, SemanticModel model, int position, RuntimeSymbols symbols)
    {
        var probe = spelling.Member("High");
        var info = model.GetSpeculativeSymbolInfo(position, probe, SpeculativeBindingOption.BindAsExpression);
        return info.Symbol is IFieldSymbol { Name: "High" } field && symbols.IsGfp(field.ContainingType);
    }

    private static bool HasUsingStaticGfp(SyntaxNode root, SemanticModel model, RuntimeSymbols symbols, CancellationToken cancellationToken)
        => root.DescendantNodes(node => node is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax)
            .OfType<UsingDirectiveSyntax>()
            .Any(directive => directive.StaticKeyword.IsKind(SyntaxKind.StaticKeyword)
                && directive.Name is { } name
                && symbols.IsGfp(model.GetSymbolInfo(name, cancellationToken).Symbol as ITypeSymbol));

    private static string Compact(ExpressionSyntax expression)
        => string.Concat(expression.DescendantTokens().Select(token => token.Text));
}
