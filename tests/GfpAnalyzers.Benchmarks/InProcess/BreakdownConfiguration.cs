using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Benchmarks.InProcess;

/// <summary>
/// One configuration `breakdown` measures: its analyzers, the compilation options that switch their rules on, and the
/// prefix of the IDs they report.
/// </summary>
internal sealed record BreakdownConfiguration(string Name, ImmutableArray<DiagnosticAnalyzer> Analyzers, CSharpCompilationOptions Options, string DiagnosticPrefix)
{
    public const string Floor = "floor";
    public const string Baseline = "baseline";
    public const string Ours = "ours";
    public const string Ca2000 = "CA2000";
    public const string Before = "before";
    public const string RulesAlone = "rules";

    /// <summary>
    /// The floor first (the reference of every difference), then the baseline, ours, CA2000, "before" when given, and
    /// "rules" (each rule an analyzer of its own) when asked for.
    /// </summary>
    public static IReadOnlyList<BreakdownConfiguration> All(CSharpCompilationOptions options, string? beforeAnalyzers, bool rulesAlone = false)
    {
        var configurations = new List<BreakdownConfiguration>
        {
            new(Floor, [new FloorAnalyzer()], options, "FLOOR"),
            new(Baseline, [new BaselineAnalyzer()], options, "BASE"),
            // What a build runs: breakdown stands for the build's cost (the suggestions' host is the editor's).
            new(Ours, AnalyzerSets.AsACommandLineBuildRunsThem(AnalyzerSets.Ours), options, "GFP"),
            new(Ca2000, AnalyzerSets.Ca2000Analyzers, AnalyzerSets.WithCa2000(options), AnalyzerSets.Ca2000),
        };
        if (beforeAnalyzers is not null)
        {
            configurations.Add(new(Before, AnalyzerSets.AsACommandLineBuildRunsThem(AnalyzerSets.Older(beforeAnalyzers)), options, "GFP"));
        }

        if (rulesAlone)
        {
            configurations.Add(new(RulesAlone, AnalyzerSets.OurRulesAlone(), options, "GFP"));
        }

        return configurations;
    }

    /// <summary>The floor and the baseline only measure the driver: their own time says nothing.</summary>
    public bool IsMeasuringDevice => Name is Floor or Baseline;
}
