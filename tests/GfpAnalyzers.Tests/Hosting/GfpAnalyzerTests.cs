using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.Hosting;
using GfpAnalyzers.Harness;
using GfpAnalyzers.Tests.Meta;
using GfpAnalyzers.Tests.Reliability;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Tests.Hosting;

/// <summary>
/// The package's two exported analyzers (the warnings' and the suggestions' hosts) run the rules: they must report
/// exactly what the rules report alone, give each rule the configuration it asks for, and run no work of a rule the
/// options switch off.
/// </summary>
public class GfpAnalyzerTests
{
    public static TheoryData<string> Samples() => new() { "Tour", "EarlyPfn.V5", "Driver", "tracker corpus" };

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task The_host_reports_exactly_what_the_rules_report_alone(string sample)
    {
        var sources = SourcesOf(sample);
        var workbench = ReliabilityWorkbench.Instance;
        var compilation = (await workbench.CreateDocument(sources[0]).Project.AddDocuments(sources.Skip(1)).GetCompilationAsync())!;

        var hosted = await workbench.AnalyzeAsync(compilation, concurrent: true, CancellationToken.None);
        var alone = await GfpWorkbench.AnalyzeAsync(compilation, AnalyzerCatalog.HostedRules(), concurrent: true, CancellationToken.None);

        Assert.Empty(hosted.Failures);
        Assert.Empty(alone.Failures);
        Assert.NotEmpty(hosted.Diagnostics);
        Assert.Equal(Describe(alone), Describe(hosted));
    }

    [Fact]
    public void Every_rule_asks_for_the_configuration_the_host_gives_it()
    {
        foreach (var rule in AnalyzerCatalog.HostedRules())
        {
            var recorder = new ConfigurationRecorder();
            rule.Initialize(recorder);
            Assert.True(recorder.Concurrent, rule.GetType().Name + " does not enable concurrent execution");
            Assert.Equal(GeneratedCodeAnalysisFlags.None, recorder.GeneratedCode);
        }
    }

    [Fact]
    public async Task A_hosted_rule_runs_nothing_where_every_one_of_its_diagnostics_is_off()
    {
        var off = await RunCountingRuleAsync(ReportDiagnostic.Suppress);
        Assert.Equal((0, 0), (off.CompilationStarts, off.TypesSeen));

        var on = await RunCountingRuleAsync(ReportDiagnostic.Warn);
        Assert.Equal((1, 2), (on.CompilationStarts, on.TypesSeen));
    }

    [Fact]
    public async Task Switching_one_rule_off_leaves_the_others_reporting()
    {
        var sources = SourcesOf("Tour");
        var workbench = ReliabilityWorkbench.Instance;
        var compilation = (await workbench.CreateDocument(sources[0]).Project.AddDocuments(sources.Skip(1)).GetCompilationAsync())!;
        var all = await workbench.AnalyzeAsync(compilation, concurrent: true, CancellationToken.None);
        Assert.Contains(all.Diagnostics, d => d.Id == "GFP004");

        var withoutGfp004 = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
            compilation.Options.SpecificDiagnosticOptions.SetItem("GFP004", ReportDiagnostic.Suppress)));
        var rest = await workbench.AnalyzeAsync(withoutGfp004, concurrent: true, CancellationToken.None);

        Assert.Empty(rest.Failures);
        Assert.Equal(Describe(all, except: "GFP004"), Describe(rest));
    }

    private static string[] SourcesOf(string sample)
    {
        if (sample == "tracker corpus")
        {
            return [GfpAnalyzers.Corpus.CorpusFiles.EarlyPfnTracker];
        }

        var directory = Path.Combine(AnalyzerCatalog.RepositoryRoot(), "samples", sample);
        return [.. Directory.GetFiles(directory, "*.cs").OrderBy(path => path, StringComparer.Ordinal).Select(File.ReadAllText)];
    }

    /// <summary>Every diagnostic with its location, message and fix properties, in a fixed order.</summary>
    private static string[] Describe(AnalysisRun run, string? except = null)
        => [.. run.Diagnostics
            .Where(d => d.Id != except)
            .Select(d => $"{d.Id} {d.Location.SourceTree?.FilePath}:{d.Location.SourceSpan} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)} "
                + string.Join(",", d.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")))];

    private static async Task<CountingRule> RunCountingRuleAsync(ReportDiagnostic severity)
    {
        var rule = new CountingRule();
        var compilation = CSharpCompilation.Create(
            "Counting",
            [CSharpSyntaxTree.ParseText("class A { } class B { }")],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
                .WithSpecificDiagnosticOptions([KeyValuePair.Create(CountingRule.Rule.Id, severity)]));
        await compilation.WithAnalyzers([new CountingHost(rule)]).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        return rule;
    }

#pragma warning disable RS1001, RS1012, RS1025, RS1026, RS1036, RS2008 // test doubles, never shipped

    /// <summary>A rule that counts what it is asked to do: one registration from a compilation start, one at the top.</summary>
    private sealed class CountingRule : DiagnosticAnalyzer
    {
        public static readonly DiagnosticDescriptor Rule = new("TEST101", "counting", "counting", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        private int _compilationStarts;
        private int _typesSeen;

        public int CompilationStarts => _compilationStarts;

        public int TypesSeen => _typesSeen;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

        public override void Initialize(AnalysisContext context)
        {
            context.RegisterCompilationStartAction(_ => Interlocked.Increment(ref _compilationStarts));
            context.RegisterSymbolAction(_ => Interlocked.Increment(ref _typesSeen), SymbolKind.NamedType);
        }
    }

    /// <summary>Hosts the counting rule as GfpAnalyzer hosts the rules, with one more diagnostic that stays on (so the driver runs the host).</summary>
    private sealed class CountingHost(CountingRule rule) : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor AlwaysOn = new("TEST100", "on", "on", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [AlwaysOn, CountingRule.Rule];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            rule.Initialize(new HostedRuleContext(context, rule));
        }
    }

#pragma warning restore RS1001, RS1012, RS1025, RS1026, RS1036, RS2008

    /// <summary>Records how a rule configures its analysis; registers nothing.</summary>
    private sealed class ConfigurationRecorder : AnalysisContext
    {
        public bool Concurrent { get; private set; }

        public GeneratedCodeAnalysisFlags? GeneratedCode { get; private set; }

        public override void EnableConcurrentExecution() => Concurrent = true;

        public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode) => GeneratedCode = analysisMode;

        public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action)
        {
        }

        public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action)
        {
        }

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action)
        {
        }

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds)
        {
        }

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action)
        {
        }

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action)
        {
        }

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action)
        {
        }

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds)
        {
        }
    }
}
