using System.Collections.Immutable;
using System.Text.RegularExpressions;
using GfpAnalyzers.Tests.Meta;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Abstractions;

namespace GfpAnalyzers.Tests.Interprocedural;

/// <summary>
/// While typing, the IDE analyses one document at a time (<c>GetAnalyzerSemanticDiagnosticsAsync(model, span)</c>); a build
/// analyses the whole compilation. Every GFP diagnostic must be the same in both, on every program of the test corpus:
/// each source the analyzer tests compile (raw string literals of tests/**, markup removed, those that compile), every
/// sample, and a multi-file program whose helpers live in other files.
/// </summary>
public class AnalysisModesAgreeTests(ITestOutputHelper output)
{
    private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> References = new(async () =>
        (await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)).Add(TestEnvironment.RuntimeReference));

    private static readonly Regex RawString = new("(?<![$\"])\"\"\"\\s*\\n(?<body>.*?)\\n\\s*\"\"\"", RegexOptions.Singleline);
    private static readonly Regex Markup = new(@"\{\|(#\d+|[A-Z]+\d*):|\|\}|\[\||\|\]");

    [Fact]
    public async Task Whole_compilation_and_per_document_analysis_report_the_same_diagnostics()
    {
        var programs = new List<(string Name, string[] Sources)>();
        var root = AnalyzerCatalog.RepositoryRoot();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "tests", "GfpAnalyzers.Tests"), "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var index = 0;
            foreach (Match match in RawString.Matches(File.ReadAllText(file)))
            {
                programs.Add(($"{Path.GetFileName(file)}#{index++}", [Markup.Replace(match.Groups["body"].Value, string.Empty)]));
            }
        }

        foreach (var sample in Directory.EnumerateDirectories(Path.Combine(root, "samples")).Order(StringComparer.Ordinal))
        {
            programs.Add((Path.GetFileName(sample), Directory.EnumerateFiles(sample, "*.cs").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray()));
        }

        programs.Add(("multi-file", MultiFileProgram));

        var compared = 0;
        var diagnostics = 0;
        foreach (var (name, sources) in programs)
        {
            var compilation = await CompileAsync(sources);
            if (compilation is null)
            {
                continue;
            }

            var (whole, perDocument) = await AnalyseBothWaysAsync(compilation);
            Assert.True(whole.SequenceEqual(perDocument),
                $"{name}: whole compilation\n  {string.Join("\n  ", whole)}\nper document\n  {string.Join("\n  ", perDocument)}");
            compared++;
            diagnostics += whole.Count;
        }

        output.WriteLine($"{compared} programs, {diagnostics} GFP diagnostics, identical in both modes");
        // The corpus is the test suite's own: if extraction silently broke, this test would prove nothing.
        Assert.True(compared >= 200, $"only {compared} programs compiled");
        Assert.True(diagnostics >= 150, $"only {diagnostics} diagnostics");
    }

    [Fact]
    public async Task A_helper_in_another_file_is_judged_while_typing()
    {
        var compilation = (await CompileAsync(MultiFileProgram))!;
        var (whole, perDocument) = await AnalyseBothWaysAsync(compilation);
        Assert.Contains(whole, d => d.StartsWith("GFP009 File0.cs", StringComparison.Ordinal) && d.Contains("'Refill' calls 'Fill', which takes mutex '_m'", StringComparison.Ordinal));
        Assert.Contains(whole, d => d.StartsWith("GFP003 File0.cs", StringComparison.Ordinal) && d.Contains("through 'Pass' → AllocPage", StringComparison.Ordinal));
        Assert.Equal(whole, perDocument);
    }

    private static readonly string[] MultiFileProgram =
    [
        """
        class Driver
        {
            private readonly KSpinLock _lock = new();
            private readonly Pool _pool = new();

            void Irq(Gfp gfp)
            {
                _lock.Lock();
                _pool.Refill(Gfp.Kernel);
                _pool.Refill(Gfp.Atomic);
                Helpers.Pass(_pool.Allocator, gfp);
                _lock.Unlock();
            }
        }
        """,
        """
        class Pool
        {
            private readonly KMutex _m = new();
            public PageAllocator Allocator { get; } = new();

            public Page? Refill(Gfp gfp) => Fill(gfp | Gfp.NoWarn);

            private Page? Fill(Gfp gfp)
            {
                if (!gfp.AllowsBlocking())
                    return Allocator.AllocPage(gfp);
                _m.Lock();
                var page = Allocator.AllocPage(gfp);
                _m.Unlock();
                return page;
            }
        }
        """,
        """
        static class Helpers
        {
            public static Page? Pass(PageAllocator a, Gfp gfp) => a.AllocPage(gfp);
        }
        """,
    ];

    private static async Task<Compilation?> CompileAsync(string[] sources)
    {
        var trees = sources.Select((source, i) => CSharpSyntaxTree.ParseText(
            "using System;\nusing System.Collections.Generic;\nusing GfpAnalyzers.Runtime;\n" + source,
            new CSharpParseOptions(LanguageVersion.Latest), path: $"File{i}.cs"));
        var compilation = CSharpCompilation.Create("Corpus", trees, await References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        return compilation.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error) ? null : compilation;
    }

    private static async Task<(List<string> Whole, List<string> PerDocument)> AnalyseBothWaysAsync(Compilation compilation)
    {
        var analyzers = AnalyzerCatalog.CreateAll().ToImmutableArray();
        var whole = await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();

        // A fresh compilation for the document-scoped pass: nothing cached by the whole pass may help it.
        var fresh = compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees);
        var perDocument = new List<Diagnostic>();
        foreach (var tree in fresh.SyntaxTrees)
        {
            var withAnalyzers = fresh.WithAnalyzers(analyzers);
            perDocument.AddRange(await withAnalyzers.GetAnalyzerSyntaxDiagnosticsAsync(tree, CancellationToken.None));
            perDocument.AddRange(await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(fresh.GetSemanticModel(tree), filterSpan: null, CancellationToken.None));
        }

        return (Render(whole), Render(perDocument));
    }

    private static List<string> Render(IEnumerable<Diagnostic> diagnostics)
        => diagnostics.Where(d => d.Id.StartsWith("GFP", StringComparison.Ordinal))
            .Select(d => $"{d.Id} {Path.GetFileName(d.Location.SourceTree?.FilePath)} {d.Location.SourceSpan} {d.GetMessage()}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
}
