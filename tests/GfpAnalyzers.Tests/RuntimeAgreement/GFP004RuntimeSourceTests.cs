using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Meta;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Tests.RuntimeAgreement;

/// <summary>
/// The runtime's own allocator code (the early-PFN tracker above all) is clean under GFP004, and the rule does see it:
/// taking out either of the tracker's clears is reported.
/// </summary>
public class GFP004RuntimeSourceTests
{
    private const string Tracker = "DynamicEarlyPfnTracker.cs";

    /// <summary>What the runtime project's ImplicitUsings gives every file.</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    [Fact]
    public async Task The_runtime_is_clean_under_GFP004()
    {
        var diagnostics = await AnalyzeRuntimeAsync(_ => _);
        Assert.Empty(diagnostics);
    }

    // Two pages can lose a compare-and-swap: a pool page allocated when the head is full (publishing the head) and a
    // spare allocated ahead of need (publishing the spare). Taking out either clear is reported, at its own free.
    [Theory]
    [InlineData("Allocator.ClearPageTagRef(page);", "Page 'page'")]
    [InlineData("Allocator.ClearPageTagRef(spare);", "Page 'spare'")]
    public async Task A_tracker_that_frees_a_losing_pool_page_without_clearing_is_reported(string clear, string page)
    {
        var diagnostics = await AnalyzeRuntimeAsync(source => RemoveLine(source, clear));
        var diagnostic = Assert.Single(diagnostics);
        Assert.StartsWith(page, diagnostic.GetMessage());
        Assert.EndsWith("reaches FreePage without ClearPageTagRef when the compare-and-swap fails", diagnostic.GetMessage());
        Assert.EndsWith(Tracker, diagnostic.Location.SourceTree!.FilePath);
    }

    [Fact]
    public async Task A_tracker_that_releases_its_pool_pages_without_clearing_is_reported()
    {
        var diagnostics = await AnalyzeRuntimeAsync(source => RemoveLine(source, "Allocator.ClearPageTagRef(pool);"));
        var diagnostic = Assert.Single(diagnostics);
        Assert.Contains("from [NoCodetagPages]", diagnostic.GetMessage());
    }

    private static string RemoveLine(string source, string line)
    {
        Assert.Contains(line, source);
        return source.Replace(line, string.Empty);
    }

    /// <summary>Compiles the runtime from source (with <paramref name="editTracker"/> applied to the tracker) and runs GFP004.</summary>
    private static async Task<ImmutableArray<Diagnostic>> AnalyzeRuntimeAsync(Func<string, string> editTracker)
    {
        var directory = Path.Combine(AnalyzerCatalog.RepositoryRoot(), "src", "Runtime");
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                           && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path =>
            {
                var text = File.ReadAllText(path);
                return CSharpSyntaxTree.ParseText(Path.GetFileName(path) == Tracker ? editTracker(text) : text, parse, path);
            })
            .Append(CSharpSyntaxTree.ParseText(ImplicitUsings, parse, "ImplicitUsings.cs"))
            .ToArray();
        Assert.Contains(trees, tree => tree.FilePath.EndsWith(Tracker, StringComparison.Ordinal));

        var framework = await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        var compilation = CSharpCompilation.Create(
            "GfpAnalyzers.Runtime",
            trees,
            framework,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "the runtime does not compile from source:\n" + string.Join("\n", errors.Take(10)));

        var diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new GFP004ClearTagBeforeFreeAnalyzer()))
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics.Where(d => d.Id == GFP004ClearTagBeforeFreeAnalyzer.Rule.Id).ToImmutableArray();
    }
}
