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
/// GFP010 (a public method that may sleep without [MightSleep]): adds the attribute, spelled <c>[MightSleep]</c> where
/// the runtime's namespace is imported and fully qualified otherwise. The method's behaviour does not change; callers in
/// atomic context are then reported by GFP009 through the attribute, in every assembly.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GFP010AddMightSleepCodeFix))]
[Shared]
internal sealed class GFP010AddMightSleepCodeFix : GfpFixProvider
{
    public const string EquivalenceKey = "GfpAnalyzers.AddMightSleep";

    private static readonly FixAction AddMightSleep = FixAction.OnSession(EquivalenceKey, "Add [MightSleep]", ApplyAsync);

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MissingMightSleep);

    internal override ImmutableArray<FixAction> Actions { get; } = ImmutableArray.Create(AddMightSleep);

    private static async Task<Document?> ApplyAsync(FixSession session, SyntaxNode target, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var declaration = target.AncestorsAndSelf().OfType<BaseMethodDeclarationSyntax>().FirstOrDefault();
        if (declaration is not (MethodDeclarationSyntax or ConstructorDeclarationSyntax) || session.Symbols.MightSleepAttribute is not { } attribute)
        {
            return null;
        }

        // "MightSleep" binds to the runtime's attribute here (imported, not shadowed): use it; otherwise qualify it.
        var bound = session.Model.GetSpeculativeSymbolInfo(declaration.SpanStart, SyntaxFactory.ParseName("MightSleepAttribute"), SpeculativeBindingOption.BindAsTypeOrNamespace).Symbol;
        var name = SymbolEqualityComparer.Default.Equals(bound, attribute) ? SyntaxFactory.ParseName("MightSleep") : SyntaxFactory.ParseName("GfpAnalyzers.Runtime.MightSleep");
        var editor = session.CreateEditor();
        editor.AddAttribute(declaration, SyntaxFactory.Attribute(name).WithAdditionalAnnotations(Formatter.Annotation));
        return await session.FinishAsync(editor, cancellationToken).ConfigureAwait(false);
    }
}
