using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GfpAnalyzers.Harness;

/// <summary>
/// Runs the package the way a host does, in this process: every analyzer on a document (analyzer exceptions
/// captured, not thrown), then every fix each fixer offers for each diagnostic and Fix All in document scope for
/// each offered equivalence key (fix exceptions captured). Shared by the reliability tests and the fuzzer, so
/// both exercise exactly the same path.
/// </summary>
internal sealed class GfpWorkbench
{
    private readonly ImmutableArray<MetadataReference> _references;
    private readonly ImmutableArray<DiagnosticAnalyzer> _analyzers;
    private readonly IReadOnlyList<CodeFixProvider> _fixers;

    public GfpWorkbench(ImmutableArray<MetadataReference> references)
    {
        _references = references;
        _analyzers = ExportedAnalyzers.In(System.Reflection.Assembly.Load("GfpAnalyzers.Analyzers"));
        _fixers = System.Reflection.Assembly.Load("GfpAnalyzers.CodeFixes").GetTypes()
            .Where(type => !type.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(type))
            .OrderBy(type => type.FullName, StringComparer.Ordinal)
            .Select(type => (CodeFixProvider)Activator.CreateInstance(type)!)
            .ToArray();
    }

    public int AnalyzerCount => _analyzers.Length;

    /// <summary>The running framework's assemblies and the runtime model: enough to compile code written against it.</summary>
    public static ImmutableArray<MetadataReference> PlatformReferences(string runtimeAssemblyPath)
        => ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll")
            .OrderBy(path => path, StringComparer.Ordinal)
            .Append(runtimeAssemblyPath)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();

    /// <summary>A one-document project in a fresh workspace.</summary>
    public Document CreateDocument(string source, string fileName = "Test.cs")
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId, VersionStamp.Default, "Workbench", "Workbench", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: _references));
        var documentId = DocumentId.CreateNewId(projectId);
        return solution.AddDocument(documentId, fileName, SourceText.From(source)).GetDocument(documentId)!;
    }

    /// <summary>Compiler errors of the document's project.</summary>
    public static async Task<ImmutableArray<Diagnostic>> CompilerErrorsAsync(Document document, CancellationToken cancellationToken)
    {
        var compilation = await document.Project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        return compilation!.GetDiagnostics(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
    }

    /// <summary>Every analyzer on the document's project: GFP diagnostics (sorted) and analyzer exceptions.</summary>
    public async Task<AnalysisRun> AnalyzeAsync(Document document, bool concurrent, CancellationToken cancellationToken)
    {
        var compilation = (await document.Project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
        return await AnalyzeAsync(compilation, concurrent, cancellationToken).ConfigureAwait(false);
    }

    public Task<AnalysisRun> AnalyzeAsync(Compilation compilation, bool concurrent, CancellationToken cancellationToken)
        => AnalyzeAsync(compilation, _analyzers, concurrent, cancellationToken);

    /// <summary>The given analyzers instead of what the package exports (e.g. each rule alone).</summary>
    public static async Task<AnalysisRun> AnalyzeAsync(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, bool concurrent, CancellationToken cancellationToken)
    {
        var exceptions = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, _) => exceptions.Enqueue($"{analyzer.GetType().Name}: {exception}"),
            concurrent,
            logAnalyzerExecutionTime: false);
        var all = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        var diagnostics = all
            .Where(d => d.Id.StartsWith("GFP", StringComparison.Ordinal))
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Location.SourceSpan.End)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ThenBy(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .ToImmutableArray();
        var failures = all.Where(d => d.Id == "AD0001").Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Concat(exceptions).ToImmutableArray();
        return new AnalysisRun(diagnostics, failures);
    }

    /// <summary>
    /// Every fix offered for every diagnostic, and Fix All (document scope) for every equivalence key offered.
    /// Exceptions while registering or applying a fix are outcomes, not crashes.
    /// </summary>
    public async Task<IReadOnlyList<FixOutcome>> ApplyEveryFixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, bool includeFixAll, CancellationToken cancellationToken, int maxPerRule = int.MaxValue)
    {
        var outcomes = new List<FixOutcome>();
        var fixAllKeys = new SortedSet<(string Fixer, string Key, string Id)>();
        var perRule = diagnostics.GroupBy(d => d.Id).ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);
        var seenPerRule = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var diagnostic in diagnostics)
        {
            // With a cap, the first findings of each rule in source order; Fix All only for rules under the cap.
            seenPerRule[diagnostic.Id] = seenPerRule.TryGetValue(diagnostic.Id, out var seen) ? seen + 1 : 1;
            if (seenPerRule[diagnostic.Id] > maxPerRule)
            {
                continue;
            }

            foreach (var fixer in _fixers.Where(fixer => fixer.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                var actions = new List<CodeAction>();
                try
                {
                    await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), cancellationToken)).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    outcomes.Add(new FixOutcome(diagnostic, fixer.GetType().Name, "(registering fixes)", IsFixAll: false, null, exception));
                    continue;
                }

                foreach (var action in actions)
                {
                    outcomes.Add(await ApplyAsync(document, diagnostic, fixer.GetType().Name, action, isFixAll: false, cancellationToken).ConfigureAwait(false));
                    if (action.EquivalenceKey is { } key)
                    {
                        fixAllKeys.Add((fixer.GetType().FullName!, key, diagnostic.Id));
                    }
                }
            }
        }

        if (!includeFixAll)
        {
            return outcomes;
        }

        foreach (var (fixerName, key, id) in fixAllKeys)
        {
            if (perRule[id] > maxPerRule)
            {
                continue;
            }

            var fixer = _fixers.First(f => f.GetType().FullName == fixerName);
            var first = diagnostics.First(d => d.Id == id);
            try
            {
                var provider = fixer.GetFixAllProvider();
                if (provider is null)
                {
                    continue;
                }

                var context = new FixAllContext(document, fixer, FixAllScope.Document, key, new[] { id }, new FixedDiagnostics(diagnostics), cancellationToken);
                var action = await provider.GetFixAsync(context).ConfigureAwait(false);
                if (action is not null)
                {
                    outcomes.Add(await ApplyAsync(document, first, fixer.GetType().Name, action, isFixAll: true, cancellationToken).ConfigureAwait(false));
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                outcomes.Add(new FixOutcome(first, fixer.GetType().Name, "Fix All " + key, IsFixAll: true, null, exception));
            }
        }

        return outcomes;
    }

    private static async Task<FixOutcome> ApplyAsync(Document document, Diagnostic diagnostic, string fixer, CodeAction action, bool isFixAll, CancellationToken cancellationToken)
    {
        var title = (isFixAll ? "Fix All: " : "") + action.Title;
        try
        {
            var operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
            var changed = operations.OfType<ApplyChangesOperation>().SingleOrDefault()?.ChangedSolution.GetDocument(document.Id);
            return new FixOutcome(diagnostic, fixer, title, isFixAll, changed, null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new FixOutcome(diagnostic, fixer, title, isFixAll, null, exception);
        }
    }

    /// <summary>Fix All's diagnostics: the ones already computed for the document.</summary>
    private sealed class FixedDiagnostics : FixAllContext.DiagnosticProvider
    {
        private readonly ImmutableArray<Diagnostic> _diagnostics;

        public FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) => _diagnostics = diagnostics;

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(ImmutableArray<Diagnostic>.Empty);
    }
}

/// <summary>What the analyzers reported on one compilation: GFP diagnostics in a stable order, and analyzer failures.</summary>
internal sealed record AnalysisRun(ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<string> Failures)
{
    /// <summary>Every diagnostic as one line (ID, position, message): what a determinism check compares.</summary>
    public string Fingerprint() => string.Join("\n", Diagnostics.Select(d =>
        $"{d.Id} {d.Location.SourceTree?.FilePath}:{d.Location.SourceSpan} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}"));
}

/// <summary>One applied fix: the changed document, or the exception it threw.</summary>
internal sealed record FixOutcome(Diagnostic Diagnostic, string Fixer, string Title, bool IsFixAll, Document? Result, Exception? Error);

/// <summary>Adding several sources to a project (each its own file).</summary>
internal static class ProjectExtensions
{
    public static Project AddDocuments(this Project project, IEnumerable<string> sources)
    {
        var index = 1;
        foreach (var source in sources)
        {
            project = project.AddDocument($"Test{index++}.cs", SourceText.From(source)).Project;
        }

        return project;
    }
}
