using System.Collections.Immutable;
using GfpAnalyzers.CodeFixes.Infrastructure;
using GfpAnalyzers.Corpus;
using GfpAnalyzers.Tests.Meta;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>
/// Every fixer, on every GFP diagnostic the analyzers report in realistic code (the corpus tracker, the series'
/// versions, mangled variants): registering fixes never throws, and every offered action yields code with no
/// compiler error the input did not have.
/// </summary>
public class CodeFixRobustnessTests
{
    private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> References = new(async () =>
    {
        var framework = await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        return framework.Add(TestEnvironment.RuntimeReference);
    });

    internal static readonly IReadOnlyList<CodeFixProvider> Fixers = typeof(GfpFixProvider).Assembly.GetTypes()
        .Where(type => !type.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(type))
        .Select(type => (CodeFixProvider)Activator.CreateInstance(type)!)
        .ToArray();

    private static string Tracker(string flags, string attribute = "") => TestEnvironment.Usings + $$"""
        using System.Threading;

        sealed class Tracker
        {
            private readonly PageAllocator _allocator = new();
            private readonly Rcu _rcu = new();
            private Page? _head;

            public void OnAllocation(ulong pfn, Gfp gfp)
            {
                _rcu.ReadLock();
                if (pfn == 0)
                    return;
                Record(pfn, gfp);
                _rcu.ReadUnlock();
            }

            {{attribute}}
            private void Record(ulong pfn, Gfp gfp)
            {
                var page = _allocator.AllocPage({{flags}});
                if (page == null)
                    return;
                if (Interlocked.CompareExchange(ref _head, page, null) != null)
                    _allocator.FreePage(page);
            }
        }
        """;

    public static TheoryData<string, string> Sources() => new()
    {
        { "corpus", CorpusFiles.EarlyPfnTracker },
        { "v2", Tracker("gfp.AllowsBlocking() ? Gfp.Kernel : Gfp.Atomic", "[AllocationHook, RcuReadLockHeld]") },
        { "v3", Tracker("gfp & ~Gfp.DirectReclaim", "[AllocationHook]") },
        { "v5", Tracker("(gfp & ~(Gfp.DirectReclaim | Gfp.ZoneMask)) | Gfp.NoCodetag", "[AllocationHook]") },
        { "suggestion", Tracker("Gfp.NoWait | Gfp.NoWarn | Gfp.NoFail", "[RcuReadLockHeld]") },
        { "unbound flag", Tracker("Gfp.NoWait | Gfp.NoSuchFlag", "[RcuReadLockHeld]") },
        { "half-typed call", Tracker("Gfp.Kernel, ", "[RcuReadLockHeld]") },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Every_offered_fix_applies_without_throwing_and_adds_no_compiler_error(string name, string source)
    {
        var (document, diagnostics) = await AnalyzeAsync(source);
        var errorsBefore = await ErrorCountAsync(document);
        var checkedActions = 0;
        foreach (var diagnostic in diagnostics)
        {
            foreach (var fixer in Fixers.Where(fixer => fixer.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                var actions = new List<CodeAction>();
                var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
                await fixer.RegisterCodeFixesAsync(context);
                foreach (var action in actions)
                {
                    var operations = await action.GetOperationsAsync(CancellationToken.None);
                    var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
                    var errorsAfter = await ErrorCountAsync(changed);
                    Assert.True(errorsAfter <= errorsBefore,
                        $"{name}: '{action.Title}' on {diagnostic.Id} adds compiler errors:\n{await changed.GetTextAsync()}");
                    checkedActions++;
                }
            }
        }

        // The well-formed sources must have had something to fix, or the test proves nothing for them.
        if (errorsBefore == 0)
        {
            Assert.True(checkedActions > 0, $"{name}: no fix was offered");
        }
    }

    [Theory]
    [InlineData("v2", "gfp.AllowsBlocking() ? Gfp.Kernel : Gfp.Atomic", "[AllocationHook, RcuReadLockHeld]")]
    [InlineData("v3", "gfp & ~Gfp.DirectReclaim", "[AllocationHook]")]
    [InlineData("v5", "(gfp & ~(Gfp.DirectReclaim | Gfp.ZoneMask)) | Gfp.NoCodetag", "[AllocationHook]")]
    public async Task Taking_the_first_fix_of_each_diagnostic_turns_the_series_into_v6(string version, string flags, string attribute)
    {
        // What `dotnet format analyzers` does: the first offered action for each diagnostic, until none is left.
        var source = Tracker(flags, attribute);
        for (var round = 0; round < 10; round++)
        {
            var (document, diagnostics) = await AnalyzeAsync(source);
            CodeAction? first = null;
            foreach (var diagnostic in diagnostics)
            {
                foreach (var fixer in Fixers.Where(fixer => fixer.FixableDiagnosticIds.Contains(diagnostic.Id)))
                {
                    var actions = new List<CodeAction>();
                    await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
                    first ??= actions.FirstOrDefault();
                }
            }

            if (first is null)
            {
                Assert.True(diagnostics.IsEmpty, $"{version}: diagnostics without a fix remain:\n{string.Join("\n", diagnostics)}\n{source}");
                break;
            }

            var operations = await first.GetOperationsAsync(CancellationToken.None);
            source = (await operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!.GetTextAsync()).ToString();
        }

        Assert.Contains("_allocator.AllocPage(Gfp.High | Gfp.NoCodetag)", source);
        Assert.Contains("_allocator.ClearPageTagRef(page);", source);
        Assert.Contains("_rcu.ReadUnlock();\n            return;", source.Replace("\r\n", "\n"));
        await GfpDiagnosticsAfterFix.AssertNoneAsync(source);
    }

    internal static async Task<(Document Document, ImmutableArray<Diagnostic> Diagnostics)> AnalyzeAsync(string source)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Robustness", "Robustness", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                metadataReferences: await References.Value));
        var documentId = DocumentId.CreateNewId(projectId);
        solution = solution.AddDocument(documentId, "Tracker.cs", SourceText.From(source));
        var document = solution.GetDocument(documentId)!;
        var compilation = (await document.Project.GetCompilationAsync())!;
        var analyzers = AnalyzerCatalog.CreateAll().ToImmutableArray();
        var diagnostics = await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        return (document, diagnostics.Where(d => d.Id.StartsWith("GFP", StringComparison.Ordinal)).ToImmutableArray());
    }

    private static async Task<int> ErrorCountAsync(Document document)
        => (await document.Project.GetCompilationAsync())!.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
}
