using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.VisualBasic;

namespace GfpAnalyzers.Tests.Verifiers;

/// <summary>
/// Libraries compiled in a test against .NET 10 (and whatever else they name), handed to the test compilation as a
/// metadata reference: what another project of the solution looks like to the analyzers (no source, only metadata).
/// </summary>
internal static class LibraryReferences
{
    public static async Task<MetadataReference> CSharpAsync(string name, MetadataReference[] references, string source)
    {
        var framework = await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        return Emit(CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(source)],
            framework.AddRange(references),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)));
    }

    public static async Task<MetadataReference> VisualBasicAsync(string name, MetadataReference[] references, string source)
    {
        var framework = await TestEnvironment.Net10.ResolveAsync(LanguageNames.VisualBasic, CancellationToken.None);
        return Emit(VisualBasicCompilation.Create(
            name,
            [VisualBasicSyntaxTree.ParseText(source)],
            framework.AddRange(references),
            new VisualBasicCompilationOptions(OutputKind.DynamicallyLinkedLibrary)));
    }

    private static MetadataReference Emit(Compilation compilation)
    {
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return MetadataReference.CreateFromImage(image.ToArray());
    }
}
