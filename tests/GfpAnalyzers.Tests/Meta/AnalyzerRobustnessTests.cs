using System.Collections.Immutable;
using GfpAnalyzers.Corpus;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Tests.Meta;

/// <summary>
/// The analyzers run on half-typed code in the IDE on every keystroke. These tests feed every analyzer
/// the prefixes of a realistic allocator file (as if typed character by character) and a few mangled
/// variants, and fail on any analyzer exception (AD0001).
/// </summary>
public class AnalyzerRobustnessTests
{
    /// <summary>A realistic allocator file (tests/Corpus): an early-PFN tracker touching every construct the rules look at.</summary>
    private static readonly string RealisticSource = CorpusFiles.EarlyPfnTracker;

    private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> References = new(async () =>
    {
        var framework = await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        return framework.Add(TestEnvironment.RuntimeReference);
    });

    [Fact]
    public async Task The_realistic_source_compiles_so_its_prefixes_are_meaningful()
    {
        var compilation = await CompileAsync(RealisticSource);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task No_analyzer_throws_on_any_prefix_of_a_file_being_typed()
    {
        for (var length = 0; length <= RealisticSource.Length; length += 13)
        {
            await AssertNoAnalyzerExceptionAsync(RealisticSource.Substring(0, length), $"prefix of length {length}");
        }

        await AssertNoAnalyzerExceptionAsync(RealisticSource, "whole file");
    }

    [Theory]
    [InlineData("Gfp.High | Gfp.NoCodetag", "Gfp.High | Gfp.")]
    [InlineData("Gfp.High | Gfp.NoCodetag", "Gfp.NoSuchFlag | ")]
    [InlineData("_allocator.AllocPage(flags)", "_allocator.AllocPage(")]
    [InlineData("_allocator.AllocPage(flags)", "_allocator.AllocPage(flags, 1, 2, 3, 4, 5)")]
    [InlineData("_allocator.AllocPage(flags)", "_allocator.AllocPage(gfp: )")]
    [InlineData("_allocator.FreePage(page)", "_allocator.FreePage()")]
    [InlineData("_allocator.ClearPageTagRef(page)", "_allocator.ClearPageTagRef(undefined)")]
    [InlineData("_rcu.ReadUnlock();", "_rcu.ReadUnlock(")]
    [InlineData("_rcu.ReadLock();", "_nope.ReadLock();")]
    [InlineData("[AllocationHook]", "[AllocationHook(")]
    [InlineData("private void Record(ulong pfn, Gfp gfp)", "private void Record(ulong pfn, Gfp")]
    [InlineData("var flags = (gfp", "var flags = ((((gfp")]
    public async Task No_analyzer_throws_on_mangled_code(string original, string replacement)
    {
        Assert.Contains(original, RealisticSource);
        await AssertNoAnalyzerExceptionAsync(RealisticSource.Replace(original, replacement), $"'{original}' → '{replacement}'");
    }

    private static async Task<CSharpCompilation> CompileAsync(string source)
        => CSharpCompilation.Create(
            "Robustness",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            await References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    private static async Task AssertNoAnalyzerExceptionAsync(string source, string what)
    {
        var analyzers = AnalyzerCatalog.CreateAll().ToImmutableArray();
        // An empty catalogue would make every robustness test pass without running anything.
        Assert.NotEmpty(analyzers);

        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, analyzer, _) => { lock (exceptions) { exceptions.Add($"{analyzer.GetType().Name}: {exception}"); } },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var compilation = (await CompileAsync(source)).WithAnalyzers(analyzers, options);
        var diagnostics = await compilation.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        var crashes = diagnostics.Where(d => d.Id == "AD0001").Select(d => d.GetMessage()).Concat(exceptions).ToArray();
        Assert.True(crashes.Length == 0, $"Analyzer exception on {what}:\n{string.Join("\n", crashes)}");
    }
}
