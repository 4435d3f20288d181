using System.Collections.Immutable;
using GfpAnalyzers.Corpus;
using GfpAnalyzers.Runtime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Benchmarks;

/// <summary>A compilation of <c>copies</c> copies of the tracker corpus, and every analyzer of the package.</summary>
internal sealed class AnalyzerWorkload
{
    public AnalyzerWorkload(int copies)
    {
        Compilation = CSharpCompilation.Create(
            "Workload",
            [CSharpSyntaxTree.ParseText(Replicate(CorpusFiles.EarlyPfnTracker, copies), new CSharpParseOptions(LanguageVersion.Latest))],
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Analyzers = GfpAnalyzers.Harness.ExportedAnalyzers.In(System.Reflection.Assembly.Load("GfpAnalyzers.Analyzers"));
    }

    public CSharpCompilation Compilation { get; }

    public ImmutableArray<DiagnosticAnalyzer> Analyzers { get; }

    public CompilationWithAnalyzers WithAnalyzers(bool logExecutionTime)
        => Compilation.WithAnalyzers(
            Analyzers,
            new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: null,
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: logExecutionTime));

    /// <summary>Each copy goes into its own namespace so the type names do not clash.</summary>
    private static string Replicate(string corpus, int copies)
    {
        var lines = corpus.Split('\n');
        var usings = lines.Where(line => line.StartsWith("using ", StringComparison.Ordinal));
        var body = string.Join('\n', lines.Where(line => !line.StartsWith("using ", StringComparison.Ordinal)));
        var copiesText = Enumerable.Range(0, copies).Select(i => $"namespace Copy{i}\n{{\n{body}\n}}\n");
        return string.Join('\n', usings) + "\n" + string.Concat(copiesText);
    }

    /// <summary>The running framework's assemblies plus the runtime model: enough to compile the corpus.</summary>
    private static IEnumerable<MetadataReference> References()
    {
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll");
        return framework.Append(typeof(Gfp).Assembly.Location).Select(path => MetadataReference.CreateFromFile(path));
    }
}
