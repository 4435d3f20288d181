using System.Collections.Immutable;
using GfpAnalyzers.CodeFixes.Infrastructure;
using GfpAnalyzers.Tests.Meta;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GfpAnalyzers.Tests.RuntimeAgreement;

/// <summary>One code action the package offers for one diagnostic, and the program it produces.</summary>
internal sealed record OfferedFix(Diagnostic Diagnostic, string Title, string? EquivalenceKey, string FixedSource)
{
    public override string ToString() => $"'{Title}' for {Diagnostic.Id} at line {Diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1}";
}

/// <summary>
/// Asks every code-fix provider of the package, as the IDE does, for its actions on every GFP diagnostic of a program
/// (analyzers and fixes see the same <c>.editorconfig</c>), and applies each action on its own to the original program.
/// </summary>
internal static class OfferedFixes
{
    private static readonly ImmutableArray<CodeFixProvider> Providers = typeof(GfpFixProvider).Assembly.GetTypes()
        .Where(type => !type.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(type))
        .OrderBy(type => type.FullName, StringComparer.Ordinal)
        .Select(type => (CodeFixProvider)Activator.CreateInstance(type)!)
        .ToImmutableArray();

    public static async Task<IReadOnlyList<OfferedFix>> ForAsync(string source, EditorConfig config)
    {
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(
                projectId, VersionStamp.Default, "Program", "Program", LanguageNames.CSharp,
                filePath: "/0/Program.csproj",
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                metadataReferences: await ProgramHarness.References))
            .AddDocument(documentId, "Program.cs", SourceText.From(source), filePath: "/0/Program.cs");
        var editorConfig = config.ToEditorConfigText();
        if (editorConfig is not null)
        {
            solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId), ".editorconfig", SourceText.From(editorConfig), filePath: "/.editorconfig");
        }

        var document = solution.GetDocument(documentId)!;
        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostics = (await compilation.WithAnalyzers(AnalyzerCatalog.CreateAll().ToImmutableArray(), config.ToAnalyzerOptions())
                .GetAnalyzerDiagnosticsAsync(CancellationToken.None))
            .Where(d => d.Id.StartsWith("GFP", StringComparison.Ordinal))
            .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal);

        var fixes = new List<OfferedFix>();
        foreach (var diagnostic in diagnostics)
        {
            foreach (var provider in Providers.Where(p => p.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                var actions = new List<CodeAction>();
                await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
                foreach (var action in actions)
                {
                    var operations = await action.GetOperationsAsync(CancellationToken.None);
                    var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(documentId)!;
                    fixes.Add(new OfferedFix(diagnostic, action.Title, action.EquivalenceKey, (await changed.GetTextAsync()).ToString()));
                }
            }
        }

        return fixes;
    }
}
