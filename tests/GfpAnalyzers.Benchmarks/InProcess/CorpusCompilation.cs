using GfpAnalyzers.Benchmarks.Corpus;
using GfpAnalyzers.Runtime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GfpAnalyzers.Benchmarks.InProcess;

/// <summary>
/// The generated corpus as one in-memory compilation, one syntax tree per file, with the implicit usings a
/// net10.0 project gets, so it is the same code the real builds compile.
/// </summary>
internal static class CorpusCompilation
{
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static readonly CSharpParseOptions s_parseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation Create(IReadOnlyList<GeneratedFile> files, string name = "Corpus")
        => Create(files.Select(f => (f.Name, f.Text)), name);

    public static CSharpCompilation Create(IEnumerable<(string Name, string Text)> files, string name = "Corpus")
    {
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, s_parseOptions, path: f.Name))
            .Prepend(CSharpSyntaxTree.ParseText(ImplicitUsings, s_parseOptions, path: "GlobalUsings.g.cs"));
        return CSharpCompilation.Create(
            name,
            trees,
            References(),
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: OptimizationLevel.Release,
                concurrentBuild: true));
    }

    /// <summary>Compiler errors (a corpus that does not compile measures nothing).</summary>
    public static IReadOnlyList<Diagnostic> Errors(Compilation compilation)
        => compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

    /// <summary>The running framework's assemblies plus the runtime model: what a net10.0 project referencing it sees.</summary>
    private static IEnumerable<MetadataReference> References()
    {
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll" or "Microsoft.Win32.Primitives.dll")
            .Order(StringComparer.Ordinal);
        return framework.Append(typeof(Gfp).Assembly.Location).Select(path => MetadataReference.CreateFromFile(path));
    }
}
