using System.Collections.Immutable;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Tests.Meta;

/// <summary>
/// The harness every rule test relies on: snippets compile against .NET 10 and the real runtime,
/// so a compiler error in a snippet is a failure, not a silent pass.
/// </summary>
public class TestEnvironmentTests
{
    [Fact]
    public async Task Snippet_using_the_runtime_compiles_cleanly()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                void M(PageAllocator allocator, Rcu rcu)
                {
                    using (rcu.ReadLock())
                    {
                        var page = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                        if (page is not null)
                        {
                            allocator.ClearPageTagRef(page);
                            allocator.FreePage(page);
                        }
                    }
                }
            }
            """;
        await CSharpAnalyzerVerifier<NoOpAnalyzer>.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task Snippet_with_a_compiler_error_fails_the_test()
    {
        const string source = TestEnvironment.Usings + "class C { void M(PageAllocator a) { a.AllocPage(Gfp.NoSuchFlag); } }";
        await Assert.ThrowsAnyAsync<Exception>(() => CSharpAnalyzerVerifier<NoOpAnalyzer>.VerifyAnalyzerAsync(source));
    }

#pragma warning disable RS1036 // Test-only analyzer: no release tracking needed.
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class NoOpAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        }
    }
#pragma warning restore RS1036
}
